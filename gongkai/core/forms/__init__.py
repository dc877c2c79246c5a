"""Forms of core's pages: filtering the audit log (`audit`) and entering a year's holidays from
the State Council notice (`calendar`)."""
