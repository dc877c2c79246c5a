"""Forms of the plan pages (`plans`: schedule rules, copying a plan), the import workflow
(`imports`) and the task ledger (`tasks`). They parse input only; the services decide."""
