"""The annual report (政府信息公开工作年度报告): labels, tables and checks, the DOCX and HTML."""
