"""A two-agent CrewAI crew whose memory lives in Mnemo (PostgreSQL + pgvector, or embedded PGlite).

Needs: CrewAI >= 1.10 (`pip install crewai`), an LLM and embedder (OPENAI_API_KEY by default),
the Mnemo bridge running, and `pip install ./packages/crewai-bridge/python`.

    MNEMO_API_KEY=mnemo_... python examples/crewai-agent/crew.py
"""

from __future__ import annotations

import os

from crewai import Agent, Crew, Memory, Process, Task
from mnemo_crewai import MnemoStorageBackend

storage = MnemoStorageBackend(
    os.environ.get("MNEMO_URL", "http://127.0.0.1:7077"),
    api_key=os.environ["MNEMO_API_KEY"],
    collection="crewai",
)
# Every memory of this crew is stored under /crew/travel in the key's user; the key may be limited to /crew.
memory = Memory(storage=storage, root_scope="/crew/travel")

researcher = Agent(
    role="Travel researcher",
    goal="Find facts about the destination the user asks about",
    backstory="You check opening hours, transport and neighbourhoods before recommending anything.",
)
planner = Agent(
    role="Trip planner",
    goal="Turn the research into a one-day plan that fits what you remember of the traveller",
    backstory="You remember the traveller's preferences from earlier trips.",
)

research = Task(
    description="Research a quiet day in {city}: a neighbourhood, a museum and a place to eat.",
    expected_output="Five bullet points with names and why they fit a quiet day.",
    agent=researcher,
)
plan = Task(
    description="Write a plan for the day in {city}, using what you remember about the traveller.",
    expected_output="A short morning / afternoon / evening plan.",
    agent=planner,
)

crew = Crew(agents=[researcher, planner], tasks=[research, plan], process=Process.sequential, memory=memory)

if __name__ == "__main__":
    memory.remember("The traveller prefers quiet places and walks rather than taxis.", scope="/preferences")
    print(crew.kickoff(inputs={"city": "Lisbon"}))
    memory.drain_writes()
    print(f"Memories stored in Mnemo for this crew: {storage.count('/crew/travel')}")
    for match in memory.recall("What does the traveller prefer?", limit=3):
        print(f"- {match.record.content} ({match.score:.2f})")
