"""The shell around every area: home page, language switch, health check, error pages."""
