"""What the reports are drawn with: charts shared by the PR report and the monitoring
Markdown."""
