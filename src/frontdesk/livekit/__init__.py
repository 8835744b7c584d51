"""The LiveKit scale path as seen from the API process: call tokens and room webhooks."""
