"""Development tools: the fixture site, the browser harness and the screenshot maker."""
