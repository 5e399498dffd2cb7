"""The message catalogues: English and Chinese hold the same texts with the same parameters, every text a
template names exists, and every error of every compiled contract has words in both languages (so the wallet
layer never shows a bare error name; a contract that gains an error fails this test until it has them)."""

import json
import re
from pathlib import Path

import pytest

from crowdledger.api.deps import RoleName
from crowdledger.api.queries import CampaignSort, CampaignState, TaskKind
from crowdledger.web.i18n import LANGUAGES, catalogue, wallet_messages
from crowdledger.web.risk import CampaignFacts, risks

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "backend" / "crowdledger" / "web" / "templates"
JS = ROOT / "backend" / "crowdledger" / "web" / "js"
ARTIFACTS = ROOT / "build" / "contracts"
SOURCES = [*(ROOT / "contracts").glob("*.sol"), *(ROOT / "contracts" / "base").glob("*.sol")]  # shipped ones
NOT_SHIPPED = ("contracts/test/", "contracts/bench/")  # hostile mocks and benchmark helpers


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def compiled_errors() -> dict[str, set[str]]:
    """Each error name in the compiled artifacts, with the artifacts that declare it."""
    found: dict[str, set[str]] = {}
    for artifact in sorted(ARTIFACTS.glob("*.json")):
        record = json.loads(artifact.read_text())
        if record.get("sourcePath", "").startswith(NOT_SHIPPED):
            continue
        for item in record.get("abi", []):
            if item["type"] == "error":
                found.setdefault(item["name"], set()).add(artifact.stem)
    return found


def test_english_and_chinese_hold_the_same_keys_with_the_same_parameters():
    english, chinese = catalogue("en"), catalogue("zh")
    assert sorted(set(english) ^ set(chinese)) == []
    assert [key for key in english if placeholders(english[key]) != placeholders(chinese[key])] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_error_in_every_compiled_abi_has_a_message(lang):
    errors = compiled_errors()
    assert {"NotFunding", "TierSoldOut", "ERC20InsufficientAllowance", "NotRequester"} <= set(errors)
    missing = {
        name: sorted(where) for name, where in errors.items() if f"error.{name}" not in catalogue(lang)
    }
    assert missing == {}


def test_every_error_message_names_only_the_errors_own_arguments():
    arguments: dict[str, set[str]] = {}
    for artifact in ARTIFACTS.glob("*.json"):
        for item in json.loads(artifact.read_text()).get("abi", []):
            if item["type"] == "error":
                arguments.setdefault(item["name"], set()).update(i["name"] for i in item["inputs"])
    english = catalogue("en")
    wrong = {
        key: placeholders(text) - arguments[key[6:]]
        for key, text in english.items()
        if key.startswith("error.") and key[6:] in arguments and not placeholders(text) <= arguments[key[6:]]
    }
    assert wrong == {}


def test_every_reason_the_contracts_record_points_for_has_words():
    """The account page shows each reputation change's bytes32 reason ("campaign.claimed") in words."""
    reasons = set()
    for source in SOURCES:
        reasons |= set(re.findall(r'"([a-z]+\.[a-z][a-z-]*)"', source.read_text()))
        reasons |= set(re.findall(r'\w*REASON\w* = "([\w.-]+)"', source.read_text()))
    assert {"campaign.claimed", "campaign.delivered", "bounty.award", "rating"} <= reasons
    for lang in LANGUAGES:
        assert sorted(r for r in reasons if f"reason.{r}" not in catalogue(lang)) == []


def test_every_text_a_template_or_script_names_exists():
    named = set()
    for template in TEMPLATES.rglob("*.html"):
        named |= set(re.findall(r"""\bt\(\s*["']([\w.\-]+)["']\s*[,)]""", template.read_text()))
    for script in JS.rglob("*.js"):
        named |= set(re.findall(r"""\bt\(\s*["']([\w.\-]+)["']\s*[,)]""", script.read_text()))
    assert len(named) > 150
    assert sorted(named - set(catalogue("en"))) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_the_wallet_layer_names_is_sent_to_it(lang):
    named = set()
    for script in JS.rglob("*.js"):
        named |= set(re.findall(r"""\bt\(\s*["']([\w.\-]+)["']\s*[,)]""", script.read_text()))
    assert sorted(named - set(wallet_messages(lang))) == []


def test_every_value_a_page_translates_by_name_has_a_text():
    keys = (
        [f"state.{s.value}" for s in CampaignState]
        + [f"sort.{s.value}" for s in CampaignSort]
        + [f"kind.{k.value}" for k in TaskKind]
        + [f"role.{r.value}" for r in RoleName]
        + [f"metadata.{m}" for m in ("pending", "verified", "mismatch", "unreachable")]
        + [f"milestone.{m}" for m in ("released-on-success", "approved", "rejected", "voting", "pending")]
        + [f"status.{s}" for s in ("open", "awarded", "split", "reclaimed")]
        + [f"place.{p}" for p in ("open", "taken", "submitted", "approved", "rejected", "appealed")]
        + [f"refund.title.{s}" for s in ("Failed", "Cancelled", "Rejected")]
        + [f"vote_mode.{m}" for m in ("pledge-weighted", "one-per-verified-identity")]
        + [f"lang.{lang}" for lang in LANGUAGES]
    )
    every_risk = CampaignFacts(
        goal=1,
        raised=10,
        milestone_count=1,
        quorum_bps=0,
        largest_pledge=10,
        creator_other_campaigns=0,
        creator_has_score=False,
        tiers=[(10, 10)],
    )
    codes = {r.code for r in risks(every_risk)}
    codes |= {"low_quorum", "high_quorum", "identity_votes"}
    keys += [f"risk.{code}" for code in codes]
    for lang in LANGUAGES:
        assert [key for key in keys if key not in catalogue(lang)] == []


def test_every_form_a_template_offers_has_its_flow_module_and_every_flow_is_registered():
    offered = set()
    for template in TEMPLATES.rglob("*.html"):
        offered |= set(re.findall(r'data-flow="([\w-]+)"', template.read_text()))
    flow_name = re.compile(r'^  name: "([\w-]+)"|simpleFlow\("([\w-]+)"', re.M)
    named = set()
    for module in (JS / "flows").glob("*.js"):
        if module.name != "simple.js":
            found = flow_name.search(module.read_text())
            named.add(found.group(1) or found.group(2))
    registered = set(re.findall(r'^import (\w+) from "\./flows/', (JS / "wallet.js").read_text(), re.M))
    assert offered <= named
    assert named <= offered  # every flow has a form: an action with no form is one a browser user cannot take
    assert len(registered) == len(named) == len(list((JS / "flows").glob("*.js"))) - 1
