"""Whisper is primed, per call, with the words of the business it answers for."""

from __future__ import annotations

from frontdesk.providers.speech import SpeechModels
from frontdesk.providers.stt.whisper_local import LocalWhisperSTT
from frontdesk.runtime.spec import AgentSpec
from frontdesk.runtime.voice_session import vocabulary

SPEC = AgentSpec(
    agent_id="a",
    workspace_id="w",
    name="Juniper Vet",
    persona_name="Maya",
    instructions="",
    greeting="Hello",
    timezone="UTC",
    hours_text="",
    business_facts={
        "business_name": "Juniper Lane Veterinary Clinic",
        "services": [{"name": "Rabies vaccination"}, {"name": "Microchipping"}],
        "handoff_contacts": [{"name": "Dr. Priya Nandakumar"}],
    },
    appointment_types=[{"name": "Dental check", "duration_minutes": 30}],
)


def test_vocabulary_names_the_business_people_and_services() -> None:
    assert vocabulary(SPEC) == (
        "Juniper Lane Veterinary Clinic, Maya, Rabies vaccination, Microchipping, "
        "Dental check, Dr. Priya Nandakumar."
    )


def test_primed_copies_share_one_loaded_model(speech_models: SpeechModels) -> None:
    whisper = speech_models.speech_to_text
    assert isinstance(whisper, LocalWhisperSTT)
    primed = whisper.with_vocabulary(vocabulary(SPEC))
    assert primed.engine is whisper.engine and primed is not whisper
    assert primed.vocabulary.startswith("Juniper Lane") and whisper.vocabulary == ""
