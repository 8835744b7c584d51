"""ORM tables, one module per table; importing this package registers them all."""

from frontdesk.models.agent import Agent
from frontdesk.models.api_key import ApiKey
from frontdesk.models.appointment import Appointment, CalendarSlot
from frontdesk.models.auth_session import AuthSession
from frontdesk.models.base import Base
from frontdesk.models.calendar_connection import CalendarConnection
from frontdesk.models.calendar_feed import CalendarFeed
from frontdesk.models.caller_deletion import CallerDeletion
from frontdesk.models.conversation import CallerMessage, Conversation, ConversationTurn
from frontdesk.models.crawl_page import CrawlPage
from frontdesk.models.exam import Exam
from frontdesk.models.interview import Interview
from frontdesk.models.knowledge_gap import KnowledgeGap
from frontdesk.models.knowledge_gap_question import KnowledgeGapQuestion
from frontdesk.models.knowledge_source import KnowledgeSource
from frontdesk.models.lead import Lead
from frontdesk.models.mcp_server import McpServer
from frontdesk.models.phone_number import PhoneNumber
from frontdesk.models.uploaded_file import UploadedFile
from frontdesk.models.user import User
from frontdesk.models.webhook_delivery import WebhookDelivery
from frontdesk.models.webhook_endpoint import WebhookEndpoint
from frontdesk.models.workspace import Workspace

__all__ = [
    "Agent",
    "ApiKey",
    "Appointment",
    "CalendarSlot",
    "CalendarConnection",
    "CalendarFeed",
    "CallerDeletion",
    "AuthSession",
    "Base",
    "CallerMessage",
    "Conversation",
    "ConversationTurn",
    "CrawlPage",
    "Exam",
    "Interview",
    "KnowledgeGap",
    "KnowledgeGapQuestion",
    "KnowledgeSource",
    "Lead",
    "McpServer",
    "PhoneNumber",
    "UploadedFile",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Workspace",
]
