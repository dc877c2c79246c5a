"""Services of citizen interaction: every state change in one transaction with one audit record.

messages       public submission, routing, acceptance, replies and approval, publishing,
               rating, follow-up, extension, redirection
errors         website error reports
consultations  draft policies, comments, moderation, closing, feedback
"""
