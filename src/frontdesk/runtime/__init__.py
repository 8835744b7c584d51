"""The conversation runtime shared by every channel.

Framework-free by rule: nothing here imports FastAPI or SQLAlchemy; services are passed in.
"""
