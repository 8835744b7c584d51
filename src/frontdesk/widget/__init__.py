"""The embeddable widget: its owner settings and deploy switch, and its public endpoints."""
