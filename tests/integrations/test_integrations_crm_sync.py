"""Unified CRM sync from the HubSpot and Salesforce fakes and the demo CSVs."""

from __future__ import annotations

from conftest import CRM_FIXTURE

from sophia_crew.integrations.sync import load_crm, sync_crm


def natural(snapshot) -> dict:
    """The snapshot with every id replaced by a natural key, so sources with different id schemes compare."""
    keys = {}
    for o in snapshot.owners:
        keys[("o", o.id)] = o.email
    for a in snapshot.accounts:
        keys[("a", a.id)] = a.name
    for c in snapshot.contacts:
        keys[("c", c.id)] = c.email
    out = {}
    for obj in ("owners", "accounts", "contacts", "deals", "activities"):
        recs = []
        for r in getattr(snapshot, obj):
            d = r.model_dump(mode="json", exclude={"id", "source"})
            for fk, kind in (("owner_id", "o"), ("account_id", "a"), ("contact_id", "c")):
                if d.get(fk):
                    d[fk] = keys[(kind, d[fk])]
            recs.append(d)
        out[obj] = sorted(recs, key=repr)
    return out


def test_hubspot_and_salesforce_give_the_same_unified_model(hubspot, salesforce, db_url):
    hs = sync_crm("hubspot", db_url, settings=hubspot.settings)
    sf = sync_crm("salesforce", db_url, settings=salesforce.settings)
    assert hs.objects["accounts"].inserted == 5 and sf.objects["accounts"].inserted == 5
    assert hs.objects["activities"].inserted == 5 and sf.objects["activities"].inserted == 5
    a, b = natural(load_crm("hubspot", db_url)), natural(load_crm("salesforce", db_url))
    assert a == b
    deal = next(d for d in a["deals"] if d["name"] == "Borealis - Expansion")
    assert [s["stage"] for s in deal["stage_history"]] == ["Prospecting", "Discovery", "Negotiation"]
    assert deal["account_id"] == "Borealis Freight" and deal["amount_usd"] == 30000.0
    acme = next(x for x in a["accounts"] if x["name"] == "Acme Dental")
    assert acme["domain"] == "acmedental.example" and acme["owner_id"] == "ana@payready.example"


def test_demo_source_matches_the_crm_fakes_except_roles(hubspot, db_url):
    sync_crm("hubspot", db_url, settings=hubspot.settings)
    res = sync_crm("demo", db_url, demo_root=str(CRM_FIXTURE))
    assert res.objects["deals"].inserted == 6
    demo, hs = natural(load_crm("demo", db_url)), natural(load_crm("hubspot", db_url))
    for o in demo["owners"]:
        o["role"] = None  # HubSpot owners carry no sales role
    assert demo == hs


def test_second_sync_writes_nothing(hubspot, salesforce, db_url):
    for source, server in (("hubspot", hubspot), ("salesforce", salesforce)):
        first = sync_crm(source, db_url, settings=server.settings)
        assert first.writes == 24  # 2 owners + 5 accounts + 6 contacts + 6 deals + 5 activities
        second = sync_crm(source, db_url, settings=server.settings)
        assert second.writes == 0


def test_salesforce_incremental_fetches_only_changed_records(salesforce, db_url):
    sync_crm("salesforce", db_url, settings=salesforce.settings)
    acct = salesforce.fake.data["Account"][1]
    acct.update(Name="Borealis Freight Ltd", SystemModstamp="2026-11-10T10:00:00.000+0000")
    res = sync_crm("salesforce", db_url, settings=salesforce.settings)
    # The boundary stamp is re-read (>=), so the 4 untouched accounts come back but are not rewritten.
    assert res.objects["accounts"].fetched == 5 and res.objects["accounts"].updated == 1
    assert res.writes == 1
    again = sync_crm("salesforce", db_url, settings=salesforce.settings)
    assert again.objects["accounts"].fetched == 1 and again.writes == 0
    soql = [r.param("q") for r in salesforce.seen("GET", "/query") if r.param("q")]
    assert any("SystemModstamp >= 2026-11-01T09:00:00Z" in q for q in soql)
    names = {a.name for a in load_crm("salesforce", db_url).accounts}
    assert "Borealis Freight Ltd" in names


def test_demo_sync_twice_writes_nothing(db_url):
    first = sync_crm("demo", db_url, demo_root=str(CRM_FIXTURE))
    assert first.writes == 24
    assert sync_crm("demo", db_url, demo_root=str(CRM_FIXTURE)).writes == 0


def test_embedded_demo_tenant_syncs_idempotently(db_url):
    import pytest

    from sophia_crew.resources import demo_path

    if not demo_path("deal_stage_history.csv").is_file():
        pytest.skip("embedded demo tenant not written yet")
    first = sync_crm("demo", db_url)
    snap = load_crm("demo", db_url)
    assert first.writes == sum(len(getattr(snap, o)) for o in first.objects) > 0
    assert all(d.stage_history for d in snap.deals)
    assert sync_crm("demo", db_url).writes == 0
