"""Shared memory: one crew's facts recalled by another in the same scope, never across scopes; forget;
the embedder guard; knowledge search. All offline (local embedder, local Chroma, mem0 with infer=False)."""

from __future__ import annotations

import json

import pytest
import spine_support
from typer.testing import CliRunner

from sophia_crew.cli import app
from sophia_crew.errors import ConfigError, InputError
from sophia_crew.memory.knowledge import search_knowledge
from sophia_crew.memory.store import MemoryLayer, shared_layer
from sophia_crew.runner import kickoff

pytestmark = pytest.mark.usefixtures("sophia_home")

MINI = spine_support.MINI_WS
NUMBERS = str(MINI / "numbers.txt")



def test_facts_from_one_crew_are_recalled_by_another_in_the_same_scope_only():
    first = kickoff("mini_memo", {"numbers_file": NUMBERS, "account_id": "A001"}, workspace=MINI)
    same = kickoff("mini_recall", {"account_id": "A001"}, workspace=MINI)
    other = kickoff("mini_recall", {"account_id": "A002"}, workspace=MINI)
    recalled = same.receipts[0].output["memories"]
    assert [m["text"] for m in recalled] == ["The numbers file has 4 numbers with mean 13.375."]
    assert recalled[0]["source_run"] == first.run_id and recalled[0]["source"] == "crew:mini_memo"
    assert other.receipts[0].output["memories"] == []


def test_forget_removes_a_scope_and_ttl_expires():
    layer = shared_layer()
    keep = layer.remember("account/A001", "Champion is the CFO, Dana Ruiz", source="test")
    layer.remember("account/A001", "Pilot ends in March", ttl_days=-1)  # already expired
    assert [m.id for m in layer.list("account/A001")] == [keep]
    assert layer.forget("account/A001") == 1
    assert layer.recall("account/A001", "champion") == []
    with pytest.raises(InputError, match="expected account/<id>"):
        layer.remember("accounts/A001", "x")


def test_embedder_change_is_refused_or_reindexed(sophia_home):
    layer = MemoryLayer()
    layer.remember("rep/R1", "Jordan talks too much in discovery calls")

    class Other:
        name, dim = "other-embedder", 8

        def embed(self, texts):
            import numpy as np
            return np.ones((len(texts), 8), dtype="float32") / 8 ** 0.5

    with pytest.raises(ConfigError, match="memory was indexed with .* the embedder is now other-embedder"):
        MemoryLayer(embedder=Other())
    moved = MemoryLayer(embedder=Other(), reindex=True)
    assert [m.text for m in moved.list("rep/R1")] == ["Jordan talks too much in discovery calls"]


def test_knowledge_search_finds_the_benchmark_source():
    hits = search_knowledge(shared_layer().client, "talk ratio benchmark for top performers", k=5)
    assert any(h.file.startswith("calls/") for h in hits)


def test_memory_cli_list_search_forget():
    shared_layer().remember("account/A009", "Onboarding kickoff done on 2026-10-30", source="test")
    runner = CliRunner()
    listed = runner.invoke(app, ["memory", "list", "account/A009", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)[0]["text"] == "Onboarding kickoff done on 2026-10-30"
    found = runner.invoke(app, ["memory", "search", "account/A009", "onboarding"])
    assert "Onboarding kickoff" in found.output
    gone = runner.invoke(app, ["memory", "forget", "account/A009"])
    assert gone.exit_code == 0 and "forgot 1" in gone.output
    bad = runner.invoke(app, ["memory", "list", "acct/1"])
    assert bad.exit_code == 2


def test_remote_openai_compatible_embedder_through_langchain_openai(monkeypatch, sophia_home):
    """A fake OpenAI-compatible /v1/embeddings server (respx) stands in for Ollama/vLLM/OpenAI."""
    respx = pytest.importorskip("respx")
    import httpx

    def fake(request):
        body = json.loads(request.content)
        inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"object": "embedding", "index": i,
                 "embedding": [float(len(t) % 7 + 1), float("churn" in str(t)), 1.0, 0.5]} for i, t in enumerate(inputs)]
        return httpx.Response(200, json={"object": "list", "data": data, "model": body["model"],
                                         "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    monkeypatch.setenv("SOPHIA_MEMORY_EMBEDDER", "openai_compatible")
    monkeypatch.setenv("SOPHIA_EMBED_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("SOPHIA_EMBED_MODEL", "nomic-embed-text")
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("http://127.0.0.1:9/v1/embeddings").mock(side_effect=fake)
        layer = MemoryLayer(path=sophia_home / "remote-mem")
        assert layer.embedder.name == "openai-compatible:nomic-embed-text" and layer.embedder.dim == 4
        layer.remember("account/A003", "Brightline raised churn concerns in the QBR")
        assert [m.text for m in layer.recall("account/A003", "churn")] == [
            "Brightline raised churn concerns in the QBR"]
        assert route.call_count >= 3
