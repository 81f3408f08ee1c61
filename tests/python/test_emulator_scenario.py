"""The central-backup example, end to end, from Python.

Starts `orgbackup emulator serve` with the example spec, applies the spec with
the CLI, adds tagged workload resources and advances the clock 8 days through
the emulator's control API (plain HTTP + JSON), then checks with boto3 that
production recovery points exist in the workload account's local vault, in the
backup account's central vault, and in the central vault of the secondary
region.

Run with `python3 -m pytest tests/python` or `python3
tests/python/test_emulator_scenario.py`. ORGBACKUP_BIN names the orgbackup
binary; without it the test builds one with `go build`.
"""

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "central-backup" / "backup.yaml"

# From examples/central-backup/backup.yaml.
MANAGEMENT = "111111111111"
BACKUP_ACCOUNT = "222222222222"
PRIMARY, SECONDARY = "us-east-1", "us-west-2"
LOCAL_VAULT, CENTRAL_VAULT = "local-backup", "central-backup"
# The emulated organization puts the spec's tier targets' accounts here.
PROD_APP, PROD_DATA, STAGE_APP = "333333333333", "333333333334", "444444444444"
# A tier selects the resources tagged backup-tier=TIER unless its spec says
# otherwise (backup.DefaultSelectionTagKey, backup/defaults.go).
TIER_TAG = "backup-tier"

SECRET = "orgbackup-emulator-secret"  # any secret works for 12-digit keys
LISTENING = "orgbackup emulator listening on "


class ControlError(Exception):
    """An error answer of the control API: {"error": {"code", "message"}}."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code = status, code


class Emulator:
    """A running `orgbackup emulator serve`, stopped by close()."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen(
            [binary, "emulator", "serve", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines = queue.Queue()
        self.stderr = []

        def pump(stream, sink):
            for line in stream:
                sink(line)
            sink(None)

        self.pumps = [
            threading.Thread(target=pump, args=(self.proc.stdout, lines.put), daemon=True),
            threading.Thread(target=pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for t in self.pumps:
            t.start()
        self.url = None
        while self.url is None:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                self.close()
                raise RuntimeError("orgbackup emulator serve printed no URL within 60s")
            if line is None:
                self.close()
                raise RuntimeError("orgbackup emulator serve exited: " + "".join(self.stderr))
            if line.startswith(LISTENING):
                self.url = line[len(LISTENING):].strip()

    def _err(self, line):
        if line is not None:
            self.stderr.append(line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self.pumps:
            t.join(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def control(self, method, path, body=None):
        """Calls the control API and returns its decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "/_orgbackup/" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=300) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as e:
            with e:
                err = json.load(e).get("error", {})
            raise ControlError(e.code, err.get("code"), err.get("message")) from None

    def env(self, account=MANAGEMENT):
        """The environment an AWS CLI or SDK needs to reach the emulator as account."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ENDPOINT_URL=self.url,
            AWS_ACCESS_KEY_ID=account,
            AWS_SECRET_ACCESS_KEY=SECRET,
            AWS_DEFAULT_REGION=PRIMARY,
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
        )
        return env

    def backup(self, account, region):
        """A boto3 AWS Backup client acting as account in region."""
        return boto3.session.Session().client(
            "backup", endpoint_url=self.url, region_name=region,
            aws_access_key_id=account, aws_secret_access_key=SECRET)


def orgbackup_binary(tmp):
    """ORGBACKUP_BIN, or a binary built into tmp."""
    if os.environ.get("ORGBACKUP_BIN"):
        return os.environ["ORGBACKUP_BIN"]
    binary = os.path.join(tmp, "orgbackup")
    subprocess.run(["go", "build", "-o", binary, "./cmd/orgbackup"], cwd=ROOT, check=True)
    return binary


def recovery_points(client, vault):
    """Every recovery point of vault, as (resource ARN, source vault ARN, status)."""
    out = []
    for page in client.get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=vault):
        for rp in page["RecoveryPoints"]:
            out.append((rp["ResourceArn"], rp.get("SourceBackupVaultArn"), rp["Status"]))
    return out


def count(points, resource):
    return sum(1 for arn, _, _ in points if arn == resource)


class CentralBackupScenario(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="orgbackup-scenario-")
        cls.binary = orgbackup_binary(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.emu = Emulator(self.binary, "--spec", str(SPEC), "--port", "0")
        self.addCleanup(self.emu.close)

    def test_eight_days_of_backups(self):
        emu = self.emu
        self.assertTrue(emu.url.startswith("http://127.0.0.1:"), emu.url)

        applied = subprocess.run(
            [self.binary, "apply", "--spec", str(SPEC), "--acknowledge-irreversible", "--auto-approve"],
            cwd=ROOT, env=emu.env(), capture_output=True, text=True, timeout=300)
        self.assertEqual(applied.returncode, 0, applied.stdout + applied.stderr)
        self.assertIn("Apply complete", applied.stdout)

        def add(account, type_, tags, id_=""):
            r = emu.control("POST", "resources", {
                "account": account, "region": PRIMARY, "type": type_, "id": id_, "tags": tags})
            self.assertEqual((r["account"], r["region"], r["type"]), (account, PRIMARY, type_))
            return r["arn"]

        files = add(PROD_APP, "EFS", {TIER_TAG: "production", "app": "web"})
        orders = add(PROD_DATA, "DynamoDB", {TIER_TAG: "production"}, "orders")
        staging = add(STAGE_APP, "EBS", {TIER_TAG: "staging"})
        untagged = add(PROD_APP, "EBS", {"app": "scratch"})
        listed = emu.control("GET", f"resources?account={PROD_APP}&region={PRIMARY}")["resources"]
        self.assertEqual(sorted(r["arn"] for r in listed), sorted([files, untagged]))

        report = emu.control("POST", "clock/advance", {"duration": "8d"})
        self.assertEqual((report["from"], report["to"]), ("2026-01-01T00:00:00Z", "2026-01-09T00:00:00Z"))
        self.assertEqual(report["backup_jobs_failed"], 0, report)
        self.assertEqual(report["copy_jobs_failed"], 0, report)
        # Three tagged resources backed up daily for 8 days; production is
        # copied to both central vaults, staging to the primary one only.
        self.assertEqual(report["backup_jobs_completed"], 3 * 8)
        # Production's plans copy to the central vault only: its secondary
        # copies are made from there by `orgbackup copy --to secondary`
        # (RDS and Aurora cannot cross account and Region in one job).
        self.assertEqual(report["copy_jobs_completed"], (2 * 1 + 1) * 8)
        self.assertEqual(emu.control("GET", "clock")["now"], "2026-01-09T00:00:00Z")

        local = recovery_points(emu.backup(PROD_APP, PRIMARY), LOCAL_VAULT)
        central = recovery_points(emu.backup(BACKUP_ACCOUNT, PRIMARY), CENTRAL_VAULT)
        secondary = recovery_points(emu.backup(BACKUP_ACCOUNT, SECONDARY), CENTRAL_VAULT)

        # The workload vault holds one recovery point per day (02:00 UTC).
        self.assertEqual(count(local, files), 8, local)
        self.assertEqual(count(local, untagged), 0)
        # The central vault holds copies of both production resources and
        # of staging, made from the workload accounts' local vaults.
        self.assertEqual(count(central, files), 8)
        self.assertEqual(count(central, orders), 8)
        self.assertEqual(count(central, staging), 8)
        for arn, source, status in central + secondary:
            self.assertEqual(status, "COMPLETED", arn)
            self.assertTrue(source and source.endswith(":backup-vault:" + LOCAL_VAULT), (arn, source))
        # The plans copy nothing to the secondary Region: production's
        # copies there come from the central vault through the daily
        # `orgbackup copy --to secondary` (the Go tests run it).
        self.assertEqual(count(secondary, files), 0)
        self.assertEqual(count(secondary, orders), 0)
        self.assertEqual(count(secondary, staging), 0)
        self.assertEqual(count(central + secondary, untagged), 0)

        # The state dump says the same, deterministically ordered.
        state = emu.control("GET", "state")
        by_location = {(r["account"], r["region"]): r for r in state["regions"]}
        vaults = {v["name"]: v for v in by_location[(BACKUP_ACCOUNT, SECONDARY)].get("vaults", [])}
        self.assertEqual(vaults[CENTRAL_VAULT]["recovery_points"], 0)
        self.assertEqual(state, emu.control("GET", "state"))

    def test_control_api_errors(self):
        emu = self.emu
        with self.assertRaises(ControlError) as cm:
            emu.control("POST", "clock/advance", {"duration": "a week"})
        self.assertEqual((cm.exception.status, cm.exception.code), (400, "InvalidRequest"))
        with self.assertRaises(ControlError) as cm:
            emu.control("POST", "resources/tag", {"arn": "arn:aws:ec2:us-east-1:333333333333:volume/vol-0", "tags": {"a": "b"}})
        self.assertEqual((cm.exception.status, cm.exception.code), (404, "ResourceNotFound"))
        with self.assertRaises(ControlError) as cm:
            emu.control("GET", "nowhere")
        self.assertEqual((cm.exception.status, cm.exception.code), (404, "NotFound"))

    def test_faults_reach_boto3(self):
        emu = self.emu
        emu.control("POST", "faults", {"service": "backup", "operation": "ListBackupVaults", "fail_next": 1,
                                       "error": {"code": "ThrottlingException", "message": "Rate exceeded"}})
        client = boto3.session.Session().client(
            "backup", endpoint_url=emu.url, region_name=PRIMARY, aws_access_key_id=PROD_APP,
            aws_secret_access_key=SECRET, config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        with self.assertRaises(ClientError) as cm:
            client.list_backup_vaults()
        self.assertEqual(cm.exception.response["Error"]["Code"], "ThrottlingException")
        client.list_backup_vaults()
        calls = [c for c in emu.control("GET", "calls")["calls"] if c["operation"] == "ListBackupVaults"]
        self.assertEqual(calls, [{"account": PROD_APP, "region": PRIMARY, "service": "backup",
                                  "operation": "ListBackupVaults", "calls": 2, "throttled": 0, "failed": 1}])
        emu.control("DELETE", "faults")
        self.assertEqual(emu.control("GET", "faults"), {"faults": []})
        self.assertEqual(emu.control("POST", "reset")["now"], "2026-01-01T00:00:00Z")
        self.assertEqual(emu.control("GET", "calls"), {"calls": []})


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
