"""Model-walk conformance: every implemented operation, checked against botocore's model.

Starts `orgbackup emulator serve`, asks its control API which operations each
service implements (GET /_orgbackup/operations), sets up state and calls each
of them with boto3, and checks every raw response body (before boto3 parses it
and drops what it does not know) against the operation's output shape in
botocore's service model:

- every key of the body is a member of the shape (no unknown keys);
- each value has the member's type (structure, list, map, string and enum
  value, integer, boolean, float, timestamp, blob);
- required members are present;
- the result lists of paginated operations (the paginators' result keys) are
  present, empty or not, as AWS returns them.

The test fails when an implemented operation was not walked (unless it is
listed in NOT_WALKED with the reason) or when any response breaks a rule.

Run with `python3 -m pytest tests/python` or `python3
tests/python/test_model_conformance.py`.
"""

import base64
import hashlib
import json
import os
import shutil
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_emulator_scenario import SECRET, Emulator, orgbackup_binary  # noqa: E402

MANAGEMENT = "111111111111"
BACKUP_ACCOUNT = "222222222222"
WORKLOAD = "333333333333"
REGION = "us-east-1"

# Implemented operations the walk does not call, with the reason.
NOT_WALKED = {
    ("sts", "AssumeRoleWithWebIdentity"): "needs an OIDC issuer, which `emulator serve` does not configure",
}

# Members AWS returns even when they are 0, false or empty: their model
# shapes have default values (Smithy @default, kept in the Go SDK as value
# types), which botocore's JSON models do not record. Each is in the
# response syntax of its API reference and was seen in AWS's answers.
ALWAYS_PRESENT = {
    ("backup", "DescribeBackupVaultOutput"): ["NumberOfRecoveryPoints"],
    ("backup", "BackupVaultListMember"): ["NumberOfRecoveryPoints"],
    ("backup", "DescribeRecoveryPointOutput"): ["IsEncrypted"],
    ("backup", "RecoveryPointByBackupVault"): ["IsEncrypted"],
    ("backup", "DescribeBackupJobOutput"): ["IsEncrypted"],
    ("organizations", "PolicySummary"): ["AwsManaged"],
    ("kms", "GetKeyRotationStatusResponse"): ["KeyRotationEnabled"],
    ("kms", "ListKeysResponse"): ["Truncated"],
    ("kms", "ListAliasesResponse"): ["Truncated"],
    ("kms", "ListGrantsResponse"): ["Truncated"],
    ("kms", "ListResourceTagsResponse"): ["Truncated"],
    ("iam", "ListRolesResponse"): ["IsTruncated"],
    ("iam", "ListRolePoliciesResponse"): ["IsTruncated"],
    ("iam", "ListAttachedRolePoliciesResponse"): ["IsTruncated"],
    ("iam", "ListRoleTagsResponse"): ["IsTruncated"],
}

# The account and region the walk leaves empty, where List operations that
# need no input are called to check that their result lists are present.
EMPTY_ACCOUNT, EMPTY_REGION = "555555555555", "eu-west-2"

# Control-API service names to botocore service names.
BOTOCORE_NAMES = {"tagging": "resourcegroupstaggingapi"}


def local(tag):
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


class ShapeChecker:
    """Checks raw response bodies against botocore output shapes."""

    def __init__(self, service_model, paginators):
        self.model = service_model
        self.service = service_model.service_name
        self.protocol = service_model.metadata["protocol"]
        self.paginators = paginators

    # JSON protocols (json, rest-json).

    def check_json_body(self, op, body):
        problems = []
        shape = op.output_shape
        if shape is None:
            if body.strip() not in (b"", b"{}"):
                problems.append(f"body {body[:80]!r} for an operation without output")
            return problems
        try:
            doc = json.loads(body or b"{}")
        except ValueError as e:
            return [f"body is not JSON: {e}"]
        payload = shape.serialization.get("payload")
        if payload:
            self.json_value(shape.members[payload], doc, payload, problems)
        else:
            self.json_struct(shape, doc, "", problems, top=True)
        for key in self.result_keys(op.name):
            if isinstance(doc, dict) and key not in doc:
                problems.append(f"result list {key} is missing (AWS returns it, empty or not)")
        return problems

    def json_struct(self, shape, doc, path, problems, top=False):
        if not isinstance(doc, dict):
            problems.append(f"{path or '<body>'}: want an object for {shape.name}, got {type(doc).__name__}")
            return
        members = {}
        for name, m in shape.members.items():
            loc = m.serialization.get("location")
            if top and loc in ("header", "headers", "statusCode"):
                continue
            members[m.serialization.get("name", name) if self.protocol == "rest-json" else name] = m
        for key, value in doc.items():
            m = members.get(key)
            if m is None:
                problems.append(f"{path}{key}: not a member of {shape.name}")
                continue
            if value is None:
                problems.append(f"{path}{key}: null")
                continue
            self.json_value(m, value, path + key, problems)
        for req in shape.required_members:
            key = shape.members[req].serialization.get("name", req) if self.protocol == "rest-json" else req
            if key not in doc and key in members:
                problems.append(f"{path}{key}: required member of {shape.name} missing")
        for key in ALWAYS_PRESENT.get((self.service, shape.name), []):
            if key not in doc:
                problems.append(f"{path}{key}: missing from {shape.name} (AWS returns it, 0 or false included)")

    def json_value(self, shape, value, path, problems):
        t = shape.type_name
        if t == "structure":
            self.json_struct(shape, value, path + ".", problems)
        elif t == "list":
            if not isinstance(value, list):
                problems.append(f"{path}: want a list, got {type(value).__name__}")
                return
            for i, v in enumerate(value):
                self.json_value(shape.member, v, f"{path}[{i}]", problems)
        elif t == "map":
            if not isinstance(value, dict):
                problems.append(f"{path}: want a map, got {type(value).__name__}")
                return
            for k, v in value.items():
                self.json_value(shape.value, v, f"{path}[{k!r}]", problems)
        elif t == "string":
            if not isinstance(value, str):
                problems.append(f"{path}: want a string, got {type(value).__name__} {value!r}")
            elif shape.enum and value not in shape.enum:
                problems.append(f"{path}: {value!r} is not one of {shape.name}'s values {shape.enum}")
        elif t in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{path}: want an integer, got {value!r}")
        elif t == "boolean":
            if not isinstance(value, bool):
                problems.append(f"{path}: want a boolean, got {value!r}")
        elif t in ("float", "double"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                problems.append(f"{path}: want a number, got {value!r}")
        elif t == "timestamp":
            fmt = shape.serialization.get("timestampFormat") or self.model.metadata.get("timestampFormat") or "unixTimestamp"
            if fmt == "unixTimestamp" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
                problems.append(f"{path}: want epoch seconds, got {value!r}")
            if fmt == "iso8601" and not isinstance(value, str):
                problems.append(f"{path}: want an ISO 8601 string, got {value!r}")
        elif t == "blob":
            if not isinstance(value, str):
                problems.append(f"{path}: want base64 text, got {value!r}")
            else:
                try:
                    base64.b64decode(value, validate=True)
                except ValueError:
                    problems.append(f"{path}: not base64")

    # awsQuery (query): <OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>.

    def check_query_body(self, op, body):
        problems = []
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            return [f"body is not XML: {e}"]
        if local(root.tag) != op.name + "Response":
            problems.append(f"root element {local(root.tag)}, want {op.name}Response")
        children = {local(c.tag): c for c in root}
        if "ResponseMetadata" not in children:
            problems.append("ResponseMetadata missing")
        shape = op.output_shape
        result_name = op.output_shape.serialization.get("resultWrapper", op.name + "Result") if shape else None
        result = children.get(result_name) if result_name else None
        for name in children:
            if name not in ("ResponseMetadata", result_name):
                problems.append(f"{name}: unknown element in {op.name}Response")
        if shape is None:
            return problems
        if result is None:
            problems.append(f"{result_name} missing")
            return problems
        self.xml_struct(shape, result, "", problems)
        present = {local(c.tag) for c in result}
        for key in self.result_keys(op.name):
            if key not in present:
                problems.append(f"result list {key} is missing (AWS returns it, empty or not)")
        return problems

    def xml_struct(self, shape, elem, path, problems):
        members = {}
        for name, m in shape.members.items():
            flat = m.type_name == "list" and m.serialization.get("flattened")
            key = m.member.serialization.get("name", m.serialization.get("name", name)) if flat else m.serialization.get("name", name)
            members[key] = m
        seen = set()
        for child in elem:
            name = local(child.tag)
            m = members.get(name)
            if m is None:
                problems.append(f"{path}{name}: not a member of {shape.name}")
                continue
            flattened = m.type_name == "list" and m.serialization.get("flattened")
            if name in seen and not flattened:
                problems.append(f"{path}{name}: repeated")
            seen.add(name)
            self.xml_value(m.member if flattened else m, child, path + name, problems)
        for req in shape.required_members:
            key = shape.members[req].serialization.get("name", req)
            if key not in seen:
                problems.append(f"{path}{key}: required member of {shape.name} missing")
        for key in ALWAYS_PRESENT.get((self.service, shape.name), []):
            if key not in seen:
                problems.append(f"{path}{key}: missing from {shape.name} (AWS returns it, 0 or false included)")

    def xml_value(self, shape, elem, path, problems):
        t = shape.type_name
        text = elem.text or ""
        if t == "structure":
            self.xml_struct(shape, elem, path + ".", problems)
        elif t == "list":
            member_name = shape.member.serialization.get("name", "member")
            for i, c in enumerate(elem):
                if local(c.tag) != member_name:
                    problems.append(f"{path}: list element {local(c.tag)}, want {member_name}")
                    continue
                self.xml_value(shape.member, c, f"{path}[{i}]", problems)
        elif t == "map":
            for c in elem:
                if local(c.tag) != "entry":
                    problems.append(f"{path}: map element {local(c.tag)}, want entry")
                    continue
                kv = {local(x.tag): x for x in c}
                if set(kv) != {"key", "value"}:
                    problems.append(f"{path}: map entry with {sorted(kv)}")
                    continue
                self.xml_value(shape.value, kv["value"], f"{path}[{kv['key'].text!r}]", problems)
        elif len(elem):
            problems.append(f"{path}: a {t} with child elements")
        elif t == "string":
            if shape.enum and text not in shape.enum:
                problems.append(f"{path}: {text!r} is not one of {shape.name}'s values")
        elif t in ("integer", "long"):
            try:
                int(text)
            except ValueError:
                problems.append(f"{path}: want an integer, got {text!r}")
        elif t == "boolean":
            if text not in ("true", "false"):
                problems.append(f"{path}: want true or false, got {text!r}")
        elif t in ("float", "double"):
            try:
                float(text)
            except ValueError:
                problems.append(f"{path}: want a number, got {text!r}")
        elif t == "timestamp":
            if "T" not in text:
                problems.append(f"{path}: want an ISO 8601 time, got {text!r}")

    # rest-xml (S3): the body's root element holds the output members (or
    # is the payload member); header and status-code members are not in it.

    def check_rest_xml_body(self, op, body):
        problems = []
        shape = op.output_shape
        if shape is None or not body.strip():
            return problems
        payload = shape.serialization.get("payload")
        if payload and shape.members[payload].type_name in ("blob", "string"):
            return problems  # raw payload (GetObject Body, GetBucketPolicy Policy)
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            return [f"body is not XML: {e}"]
        if op.name == "GetBucketLocation":
            # The body is the LocationConstraint member itself.
            if local(root.tag) != "LocationConstraint" or len(root):
                problems.append(f"root element {local(root.tag)}, want LocationConstraint")
            return problems
        if payload:
            self.xml_struct(shape.members[payload], root, "", problems)
            return problems
        body_shape = shape
        members = {n: m for n, m in shape.members.items() if m.serialization.get("location") is None}
        if len(members) != len(shape.members):
            body_shape = _BodyShape(shape, members)
        self.xml_struct(body_shape, root, "", problems)
        return problems

    def result_keys(self, op_name):
        cfg = self.paginators.get(op_name)
        if not cfg:
            return []
        keys = cfg.get("result_key", [])
        if isinstance(keys, str):
            keys = [keys]
        return [k for k in keys if k.isidentifier()]

    def check(self, op, body):
        if self.protocol in ("json", "rest-json"):
            return self.check_json_body(op, body)
        if self.protocol == "query":
            return self.check_query_body(op, body)
        if self.protocol == "rest-xml":
            return self.check_rest_xml_body(op, body)
        return [f"protocol {self.protocol} is not checked"]


class _BodyShape:
    """The body members of a rest-xml output shape."""

    def __init__(self, shape, members):
        self.name, self.members = shape.name, members
        self.required_members = [m for m in shape.required_members if m in members]


class Walk:
    """boto3 clients whose every successful response is checked."""

    def __init__(self, url):
        self.url = url
        self.session = botocore.session.get_session()
        self.checkers = {}
        self.walked = set()  # (service, operation) answered successfully
        self.problems = []  # "service Operation: problem"

    def checker(self, service):
        if service not in self.checkers:
            model = self.session.get_service_model(service)
            try:
                paginators = self.session.get_paginator_model(service)._paginator_config
            except Exception:  # a service without paginators
                paginators = {}
            self.checkers[service] = ShapeChecker(model, paginators)
        return self.checkers[service]

    def client(self, service, account, region=REGION):
        c = boto3.session.Session().client(
            service, endpoint_url=self.url, region_name=region,
            aws_access_key_id=account, aws_secret_access_key=SECRET,
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, s3={"addressing_style": "path"}))
        checker = self.checker(service)
        control_name = {v: k for k, v in BOTOCORE_NAMES.items()}.get(service, service)

        def after_call(http_response, parsed, model, **kwargs):
            if http_response.status_code >= 300:
                return
            if model.has_streaming_output:
                # The body is the raw payload (GetObject), read by the caller.
                self.walked.add((control_name, model.name))
                return
            for p in checker.check(model, http_response.content):
                self.problems.append(f"{service} {model.name}: {p}")
            self.walked.add((control_name, model.name))

        c.meta.events.register("after-call", after_call)
        return c


TRUST_BACKUP = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def trust_account(account):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})


class ModelConformance(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="orgbackup-conformance-")
        cls.binary = orgbackup_binary(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.emu = Emulator(self.binary, "--port", "0")
        self.addCleanup(self.emu.close)
        self.walk = Walk(self.emu.url)

    def add_resource(self, account, type_, tags=None):
        return self.emu.control("POST", "resources", {
            "account": account, "region": REGION, "type": type_, "tags": tags or {}})["arn"]

    def advance(self, duration):
        return self.emu.control("POST", "clock/advance", {"duration": duration})

    def test_every_implemented_operation_matches_the_model(self):
        self.walk_iam_sts()
        self.walk_kms()
        self.walk_sns()
        self.walk_events()
        self.walk_organizations()
        self.walk_backup()
        self.walk_ram()
        self.walk_budgets()
        self.walk_config()
        self.walk_tagging()
        self.walk_s3()
        self.walk_empty_lists(self.emu.control("GET", "operations")["services"])

        implemented = {(s["service"], op) for s in self.emu.control("GET", "operations")["services"]
                       for op in s["implemented"]}
        missing = sorted(implemented - self.walk.walked - set(NOT_WALKED))
        self.assertEqual(missing, [], "implemented operations the walk did not call successfully")
        self.assertEqual(self.walk.problems, [], "responses that break botocore's model:\n" + "\n".join(self.walk.problems))
        print(f"\nmodel walk: {len(self.walk.walked)} operations checked against botocore "
              f"{botocore.__version__}'s models; not walked: {sorted(NOT_WALKED)}", file=sys.stderr)

    # The walks, one per service, in dependency order.

    def walk_iam_sts(self):
        iam = self.walk.client("iam", WORKLOAD)
        iam.create_role(RoleName="backup-role", AssumeRolePolicyDocument=TRUST_BACKUP, Path="/service-role/")
        iam.create_role(RoleName="ops", AssumeRolePolicyDocument=trust_account(WORKLOAD))
        iam.get_role(RoleName="ops")
        iam.list_roles()
        iam.update_role(RoleName="ops", Description="operators", MaxSessionDuration=7200)
        iam.update_assume_role_policy(RoleName="ops", PolicyDocument=trust_account(WORKLOAD))
        iam.tag_role(RoleName="ops", Tags=[{"Key": "team", "Value": "platform"}])
        iam.list_role_tags(RoleName="ops")
        iam.untag_role(RoleName="ops", TagKeys=["team"])
        doc = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "backup:List*", "Resource": "*"}]})
        iam.put_role_policy(RoleName="ops", PolicyName="inline", PolicyDocument=doc)
        iam.get_role_policy(RoleName="ops", PolicyName="inline")
        iam.list_role_policies(RoleName="ops")
        iam.delete_role_policy(RoleName="ops", PolicyName="inline")
        arn = iam.create_policy(PolicyName="list-backups", PolicyDocument=doc)["Policy"]["Arn"]
        iam.get_policy(PolicyArn=arn)
        iam.attach_role_policy(RoleName="ops", PolicyArn=arn)
        iam.list_attached_role_policies(RoleName="ops")
        iam.detach_role_policy(RoleName="ops", PolicyArn=arn)
        version = iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc, SetAsDefault=True)["PolicyVersion"]["VersionId"]
        iam.list_policy_versions(PolicyArn=arn)
        iam.get_policy_version(PolicyArn=arn, VersionId=version)
        iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
        iam.put_role_permissions_boundary(RoleName="ops", PermissionsBoundary=arn)
        iam.simulate_principal_policy(PolicySourceArn=f"arn:aws:iam::{WORKLOAD}:role/ops",
                                      ActionNames=["backup:ListBackupVaults"])
        iam.delete_role_permissions_boundary(RoleName="ops")
        iam.delete_policy(PolicyArn=arn)
        iam.create_service_linked_role(AWSServiceName="backup.amazonaws.com")

        sts = self.walk.client("sts", WORKLOAD)
        sts.get_caller_identity()
        sts.assume_role(RoleArn=f"arn:aws:iam::{WORKLOAD}:role/ops", RoleSessionName="walk")
        iam.delete_role(RoleName="ops")

    def walk_kms(self):
        kms = self.walk.client("kms", WORKLOAD)
        key = kms.create_key(Description="walk")["KeyMetadata"]["KeyId"]
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.describe_key(KeyId=key)
        kms.list_keys()
        policy = kms.get_key_policy(KeyId=key, PolicyName="default")["Policy"]
        kms.put_key_policy(KeyId=key, PolicyName="default", Policy=policy)
        kms.create_alias(AliasName="alias/walk", TargetKeyId=key)
        kms.list_aliases()
        kms.update_alias(AliasName="alias/walk", TargetKeyId=other)
        kms.delete_alias(AliasName="alias/walk")
        kms.enable_key_rotation(KeyId=key)
        kms.get_key_rotation_status(KeyId=key)
        kms.disable_key_rotation(KeyId=key)
        kms.get_key_rotation_status(KeyId=key)
        kms.update_key_description(KeyId=key, Description="walked")
        kms.tag_resource(KeyId=key, Tags=[{"TagKey": "team", "TagValue": "platform"}])
        kms.list_resource_tags(KeyId=key)
        kms.create_grant(KeyId=key, GranteePrincipal=f"arn:aws:iam::{WORKLOAD}:role/service-role/backup-role",
                         Operations=["Decrypt", "GenerateDataKey"])
        kms.list_grants(KeyId=key)
        kms.disable_key(KeyId=other)
        kms.enable_key(KeyId=other)
        kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)
        kms.cancel_key_deletion(KeyId=other)
        self.key_arn = kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"]

    def walk_sns(self):
        sns = self.walk.client("sns", WORKLOAD)
        topic = sns.create_topic(Name="backup-events")["TopicArn"]
        self.topic_arn = topic
        sns.get_topic_attributes(TopicArn=topic)
        sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="Backup events")
        sns.list_topics()
        sub = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com",
                            ReturnSubscriptionArn=True)["SubscriptionArn"]
        sns.list_subscriptions()
        sns.list_subscriptions_by_topic(TopicArn=topic)
        token = [d["token"] for d in self.emu.control("GET", "sns/deliveries?endpoint=ops@example.com")["deliveries"]
                 if d["type"] == "SubscriptionConfirmation"][0]
        sns.confirm_subscription(TopicArn=topic, Token=token)
        sns.publish(TopicArn=topic, Message="hello", Subject="walk")
        sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "team", "Value": "platform"}])
        sns.list_tags_for_resource(ResourceArn=topic)
        sns.untag_resource(ResourceArn=topic, TagKeys=["team"])
        sns.unsubscribe(SubscriptionArn=sub)
        gone = sns.create_topic(Name="gone")["TopicArn"]
        sns.delete_topic(TopicArn=gone)

    def walk_events(self):
        events = self.walk.client("events", BACKUP_ACCOUNT)
        bus = events.create_event_bus(Name="alerts", Tags=[{"Key": "team", "Value": "platform"}])["EventBusArn"]
        events.describe_event_bus(Name="alerts")
        events.list_event_buses()
        events.put_permission(EventBusName="alerts", Action="events:PutEvents", Principal=WORKLOAD, StatementId="workload")
        events.remove_permission(EventBusName="alerts", StatementId="workload")
        rule = events.put_rule(Name="failures", EventBusName="alerts",
                               EventPattern=json.dumps({"source": ["aws.backup"]}))["RuleArn"]
        events.describe_rule(Name="failures", EventBusName="alerts")
        events.list_rules(EventBusName="alerts")
        events.disable_rule(Name="failures", EventBusName="alerts")
        events.enable_rule(Name="failures", EventBusName="alerts")
        events.put_targets(Rule="failures", EventBusName="alerts", Targets=[{"Id": "topic", "Arn": bus}])
        events.list_targets_by_rule(Rule="failures", EventBusName="alerts")
        events.remove_targets(Rule="failures", EventBusName="alerts", Ids=["topic"])
        events.tag_resource(ResourceARN=rule, Tags=[{"Key": "team", "Value": "platform"}])
        events.list_tags_for_resource(ResourceARN=rule)
        events.untag_resource(ResourceARN=rule, TagKeys=["team"])
        events.put_events(Entries=[{"Source": "app", "DetailType": "walk", "Detail": "{}", "EventBusName": "alerts"}])
        events.test_event_pattern(EventPattern=json.dumps({"source": ["app"]}), Event=json.dumps({
            "id": "1", "account": BACKUP_ACCOUNT, "source": "app", "time": "2026-01-01T00:00:00Z",
            "region": REGION, "resources": [], "detail-type": "walk", "detail": {}}))
        events.delete_rule(Name="failures", EventBusName="alerts")
        events.delete_event_bus(Name="alerts")

    def walk_ram(self):
        b = self.walk.client("backup", WORKLOAD)
        vault = b.describe_backup_vault(BackupVaultName="airgap")["BackupVaultArn"]
        ram = self.walk.client("ram", WORKLOAD)
        share = ram.create_resource_share(name="walk", resourceArns=[vault], principals=[BACKUP_ACCOUNT],
                                          tags=[{"key": "team", "value": "platform"}])["resourceShare"]["resourceShareArn"]
        ram.get_resource_shares(resourceOwner="SELF", name="walk")
        ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share])
        ram.disassociate_resource_share(resourceShareArn=share, principals=[BACKUP_ACCOUNT])
        ram.associate_resource_share(resourceShareArn=share, principals=[BACKUP_ACCOUNT])
        ram.delete_resource_share(resourceShareArn=share)

    def walk_budgets(self):
        bud = self.walk.client("budgets", MANAGEMENT)
        budget = {"BudgetName": "walk", "BudgetType": "COST", "TimeUnit": "MONTHLY",
                  "BudgetLimit": {"Amount": "10", "Unit": "USD"}}
        notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80}
        subscriber = {"SubscriptionType": "EMAIL", "Address": "team@example.com"}
        bud.create_budget(AccountId=MANAGEMENT, Budget=budget,
                          NotificationsWithSubscribers=[{"Notification": notification, "Subscribers": [subscriber]}])
        bud.describe_budget(AccountId=MANAGEMENT, BudgetName="walk")
        bud.describe_budgets(AccountId=MANAGEMENT)
        bud.update_budget(AccountId=MANAGEMENT, NewBudget=dict(budget, BudgetLimit={"Amount": "20", "Unit": "USD"}))
        bud.describe_notifications_for_budget(AccountId=MANAGEMENT, BudgetName="walk")
        bud.describe_subscribers_for_notification(AccountId=MANAGEMENT, BudgetName="walk", Notification=notification)
        bud.create_notification(AccountId=MANAGEMENT, BudgetName="walk",
                                Notification=dict(notification, Threshold=100), Subscribers=[subscriber])
        bud.delete_notification(AccountId=MANAGEMENT, BudgetName="walk", Notification=dict(notification, Threshold=100))
        bud.list_tags_for_resource(ResourceARN=f"arn:aws:budgets::{MANAGEMENT}:budget/walk")
        bud.delete_budget(AccountId=MANAGEMENT, BudgetName="walk")

    def walk_organizations(self):
        org = self.walk.client("organizations", MANAGEMENT)
        org.describe_organization()
        root = org.list_roots()["Roots"][0]["Id"]
        org.list_accounts()
        org.list_accounts_for_parent(ParentId=root)
        ous = org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
        org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")
        org.list_parents(ChildId=WORKLOAD)
        org.describe_account(AccountId=WORKLOAD)
        org.describe_organizational_unit(OrganizationalUnitId=ous[0]["Id"])
        org.enable_aws_service_access(ServicePrincipal="backup.amazonaws.com")
        org.list_aws_service_access_for_organization()
        org.register_delegated_administrator(AccountId=BACKUP_ACCOUNT, ServicePrincipal="backup.amazonaws.com")
        org.list_delegated_administrators()
        org.list_delegated_services_for_account(AccountId=BACKUP_ACCOUNT)
        org.enable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
        content = json.dumps({"plans": {"walk": {
            "regions": {"@@assign": [REGION]},
            "rules": {"daily": {"schedule_expression": {"@@assign": "cron(0 5 ? * * *)"},
                                "target_backup_vault_name": {"@@assign": "Default"},
                                "lifecycle": {"delete_after_days": {"@@assign": "35"}}}},
            "selections": {"tags": {"all": {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/service-role/backup-role"},
                                            "tag_key": {"@@assign": "backup"}, "tag_value": {"@@assign": ["daily"]}}}}}}})
        pid = org.create_policy(Name="walk", Description="walk", Type="BACKUP_POLICY", Content=content)["Policy"]["PolicySummary"]["Id"]
        org.describe_policy(PolicyId=pid)
        org.update_policy(PolicyId=pid, Description="walked")
        org.list_policies(Filter="BACKUP_POLICY")
        org.attach_policy(PolicyId=pid, TargetId=WORKLOAD)
        org.list_targets_for_policy(PolicyId=pid)
        org.list_policies_for_target(TargetId=WORKLOAD, Filter="BACKUP_POLICY")
        org.describe_effective_policy(PolicyType="BACKUP_POLICY", TargetId=WORKLOAD)
        org.detach_policy(PolicyId=pid, TargetId=WORKLOAD)
        org.delete_policy(PolicyId=pid)
        org.disable_policy_type(RootId=root, PolicyType="BACKUP_POLICY")
        org.put_resource_policy(Content=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "read", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{BACKUP_ACCOUNT}:root"},
            "Action": ["organizations:DescribeOrganization", "organizations:ListAccounts"], "Resource": "*"}]}))
        org.describe_resource_policy()
        org.delete_resource_policy()
        # Account and OU lifecycle.
        req = org.create_account(Email="walk@example.com", AccountName="walk")["CreateAccountStatus"]["Id"]
        new = org.describe_create_account_status(CreateAccountRequestId=req)["CreateAccountStatus"]["AccountId"]
        org.list_create_account_status(States=["SUCCEEDED"])
        ou = org.create_organizational_unit(ParentId=root, Name="Walk")["OrganizationalUnit"]["Id"]
        org.update_organizational_unit(OrganizationalUnitId=ou, Name="Walked")
        org.move_account(AccountId=new, SourceParentId=root, DestinationParentId=ou)
        org.move_account(AccountId=new, SourceParentId=ou, DestinationParentId=root)
        org.delete_organizational_unit(OrganizationalUnitId=ou)
        org.remove_account_from_organization(AccountId=new)
        org.tag_resource(ResourceId=WORKLOAD, Tags=[{"Key": "team", "Value": "platform"}])
        org.list_tags_for_resource(ResourceId=WORKLOAD)
        org.untag_resource(ResourceId=WORKLOAD, TagKeys=["team"])
        # Keep Backup's delegation for the cross-account calls of walk_backup;
        # deregister and disable on a second principal.
        org.enable_aws_service_access(ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
        org.register_delegated_administrator(AccountId=BACKUP_ACCOUNT,
                                             ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
        org.deregister_delegated_administrator(AccountId=BACKUP_ACCOUNT,
                                               ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")
        org.disable_aws_service_access(ServicePrincipal="member.org.stacksets.cloudformation.amazonaws.com")

    def walk_backup(self):
        b = self.walk.client("backup", WORKLOAD)
        role = f"arn:aws:iam::{WORKLOAD}:role/service-role/backup-role"
        # Vaults.
        for name in ("walk", "copies", "locked"):
            b.create_backup_vault(BackupVaultName=name)
        vault_arn = b.describe_backup_vault(BackupVaultName="walk")["BackupVaultArn"]
        b.list_backup_vaults()
        access = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}]})
        b.put_backup_vault_access_policy(BackupVaultName="walk", Policy=access)
        b.get_backup_vault_access_policy(BackupVaultName="walk")
        b.delete_backup_vault_access_policy(BackupVaultName="walk")
        b.put_backup_vault_notifications(BackupVaultName="walk", SNSTopicArn=self.topic_arn,
                                         BackupVaultEvents=["BACKUP_JOB_COMPLETED"])
        b.get_backup_vault_notifications(BackupVaultName="walk")
        b.delete_backup_vault_notifications(BackupVaultName="walk")
        b.put_backup_vault_lock_configuration(BackupVaultName="locked", MinRetentionDays=1, MaxRetentionDays=3650)
        b.delete_backup_vault_lock_configuration(BackupVaultName="locked")
        b.create_logically_air_gapped_backup_vault(BackupVaultName="airgap", MinRetentionDays=7, MaxRetentionDays=3650)
        b.delete_backup_vault(BackupVaultName="locked")

        # Plans and selections.
        plan_doc = {"BackupPlanName": "walk", "Rules": [{
            "RuleName": "daily", "TargetBackupVaultName": "walk", "ScheduleExpression": "cron(0 5 ? * * *)",
            "Lifecycle": {"DeleteAfterDays": 35}}]}
        plan = b.create_backup_plan(BackupPlan=plan_doc)["BackupPlanId"]
        b.get_backup_plan(BackupPlanId=plan)
        plan_doc["Rules"][0]["Lifecycle"] = {"DeleteAfterDays": 40}
        b.update_backup_plan(BackupPlanId=plan, BackupPlan=plan_doc)
        b.list_backup_plans()
        b.list_backup_plan_versions(BackupPlanId=plan)
        sel = b.create_backup_selection(BackupPlanId=plan, BackupSelection={
            "SelectionName": "tagged", "IamRoleArn": role,
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}]})["SelectionId"]
        b.get_backup_selection(BackupPlanId=plan, SelectionId=sel)
        b.list_backup_selections(BackupPlanId=plan)
        b.delete_backup_selection(BackupPlanId=plan, SelectionId=sel)
        b.delete_backup_plan(BackupPlanId=plan)

        # Settings.
        self.walk.client("backup", MANAGEMENT).describe_global_settings()
        self.walk.client("backup", MANAGEMENT).update_global_settings(GlobalSettings={"isCrossAccountBackupEnabled": "true"})
        b.describe_region_settings()
        b.update_region_settings(ResourceTypeOptInPreference={"EFS": True})

        # Audit Manager: report plans and jobs, frameworks.
        b.create_report_plan(ReportPlanName="jobs", ReportDeliveryChannel={"S3BucketName": "reports", "Formats": ["CSV"]},
                             ReportSetting={"ReportTemplate": "BACKUP_JOB_REPORT"})
        b.describe_report_plan(ReportPlanName="jobs")
        b.update_report_plan(ReportPlanName="jobs", ReportDeliveryChannel={"S3BucketName": "reports", "Formats": ["JSON"]})
        b.list_report_plans()
        job = b.start_report_job(ReportPlanName="jobs")["ReportJobId"]
        b.describe_report_job(ReportJobId=job)
        b.list_report_jobs()
        b.delete_report_plan(ReportPlanName="jobs")
        controls = [{"ControlName": "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", "ControlInputParameters": [
            {"ParameterName": "requiredRetentionDays", "ParameterValue": "35"}]}]
        b.create_framework(FrameworkName="walk", FrameworkControls=controls)
        b.describe_framework(FrameworkName="walk")
        b.update_framework(FrameworkName="walk", FrameworkDescription="walked", FrameworkControls=controls)
        b.list_frameworks()
        b.delete_framework(FrameworkName="walk")

        # Jobs and recovery points.
        volume = self.add_resource(WORKLOAD, "EBS", {"backup": "daily"})
        other = self.add_resource(WORKLOAD, "EBS")
        backup_job = b.start_backup_job(BackupVaultName="walk", ResourceArn=volume, IamRoleArn=role,
                                        Lifecycle={"DeleteAfterDays": 100})["BackupJobId"]
        stopped = b.start_backup_job(BackupVaultName="walk", ResourceArn=other, IamRoleArn=role)["BackupJobId"]
        b.stop_backup_job(BackupJobId=stopped)
        self.advance("2h")
        rp = b.describe_backup_job(BackupJobId=backup_job)["RecoveryPointArn"]
        b.list_backup_jobs()
        b.list_recovery_points_by_backup_vault(BackupVaultName="walk")
        b.list_recovery_points_by_resource(ResourceArn=volume)
        b.describe_recovery_point(BackupVaultName="walk", RecoveryPointArn=rp)
        b.list_protected_resources()
        b.describe_protected_resource(ResourceArn=volume)
        b.list_protected_resources_by_backup_vault(BackupVaultName="walk")
        b.update_recovery_point_lifecycle(BackupVaultName="walk", RecoveryPointArn=rp, Lifecycle={"DeleteAfterDays": 120})
        copies_arn = b.describe_backup_vault(BackupVaultName="copies")["BackupVaultArn"]
        copy = b.start_copy_job(RecoveryPointArn=rp, SourceBackupVaultName="walk",
                                DestinationBackupVaultArn=copies_arn, IamRoleArn=role)["CopyJobId"]
        self.advance("2h")
        b.describe_copy_job(CopyJobId=copy)
        b.list_copy_jobs()
        b.get_recovery_point_restore_metadata(BackupVaultName="walk", RecoveryPointArn=rp)
        restore = b.start_restore_job(RecoveryPointArn=rp, IamRoleArn=role, Metadata={"availabilityZone": REGION + "a"},
                                      ResourceType="EBS")["RestoreJobId"]
        self.advance("2h")
        b.describe_restore_job(RestoreJobId=restore)
        b.list_restore_jobs()
        b.list_restore_jobs_by_protected_resource(ResourceArn=volume)
        b.list_restore_job_summaries()
        b.list_backup_job_summaries(AggregationPeriod="FOURTEEN_DAYS")
        b.list_copy_job_summaries()
        b.get_supported_resource_types()

        # Legal holds.
        hold = b.create_legal_hold(Title="walk", Description="walk", RecoveryPointSelection={
            "VaultNames": ["walk"]})["LegalHoldId"]
        b.get_legal_hold(LegalHoldId=hold)
        b.list_recovery_points_by_legal_hold(LegalHoldId=hold)
        b.list_legal_holds()
        b.cancel_legal_hold(LegalHoldId=hold, CancelDescription="done")

        # Restore testing.
        b.create_restore_testing_plan(RestoreTestingPlan={
            "RestoreTestingPlanName": "walk", "ScheduleExpression": "cron(0 6 ? * * *)",
            "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"],
                                       "RecoveryPointTypes": ["SNAPSHOT"], "SelectionWindowDays": 7}})
        b.get_restore_testing_plan(RestoreTestingPlanName="walk")
        b.update_restore_testing_plan(RestoreTestingPlanName="walk", RestoreTestingPlan={"ScheduleExpression": "cron(0 7 ? * * *)"})
        b.list_restore_testing_plans()
        b.create_restore_testing_selection(RestoreTestingPlanName="walk", RestoreTestingSelection={
            "RestoreTestingSelectionName": "ebs", "ProtectedResourceType": "EBS", "IamRoleArn": role,
            "ProtectedResourceArns": ["*"]})
        b.get_restore_testing_selection(RestoreTestingPlanName="walk", RestoreTestingSelectionName="ebs")
        b.update_restore_testing_selection(RestoreTestingPlanName="walk", RestoreTestingSelectionName="ebs",
                                           RestoreTestingSelection={"ValidationWindowHours": 2})
        b.list_restore_testing_selections(RestoreTestingPlanName="walk")
        # The plan runs at 07:00: its restore job waits for a validation.
        self.advance("26h")
        tested = [j for j in b.list_restore_jobs()["RestoreJobs"] if j.get("CreatedBy", {}).get("RestoreTestingPlanArn")]
        self.assertTrue(tested, "the restore testing plan started no restore job in a day")
        b.put_restore_validation_result(RestoreJobId=tested[0]["RestoreJobId"], ValidationStatus="SUCCESSFUL",
                                        ValidationStatusMessage="walked")
        b.delete_restore_testing_selection(RestoreTestingPlanName="walk", RestoreTestingSelectionName="ebs")
        b.delete_restore_testing_plan(RestoreTestingPlanName="walk")

        # Tags, then the recovery point.
        b.tag_resource(ResourceArn=vault_arn, Tags={"team": "platform"})
        b.list_tags(ResourceArn=vault_arn)
        b.untag_resource(ResourceArn=vault_arn, TagKeyList=["team"])
        b.delete_recovery_point(BackupVaultName="walk", RecoveryPointArn=rp)
        self.vault_arn = vault_arn

    def walk_s3(self):
        s3 = self.walk.client("s3", WORKLOAD)
        s3.create_bucket(Bucket="walk-bucket")
        s3.create_bucket(Bucket="walk-gone")
        s3.head_bucket(Bucket="walk-bucket")
        s3.list_buckets()
        s3.get_bucket_location(Bucket="walk-bucket")
        s3.put_bucket_policy(Bucket="walk-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
            "Resource": "arn:aws:s3:::walk-bucket"}]}))
        s3.get_bucket_policy(Bucket="walk-bucket")
        s3.delete_bucket_policy(Bucket="walk-bucket")
        s3.put_bucket_encryption(Bucket="walk-bucket", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3.get_bucket_encryption(Bucket="walk-bucket")
        s3.delete_bucket_encryption(Bucket="walk-bucket")
        s3.put_public_access_block(Bucket="walk-bucket", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        s3.get_public_access_block(Bucket="walk-bucket")
        s3.delete_public_access_block(Bucket="walk-bucket")
        s3.put_bucket_versioning(Bucket="walk-bucket", VersioningConfiguration={"Status": "Enabled"})
        s3.get_bucket_versioning(Bucket="walk-bucket")
        s3.put_bucket_tagging(Bucket="walk-bucket", Tagging={"TagSet": [{"Key": "team", "Value": "platform"}]})
        s3.get_bucket_tagging(Bucket="walk-bucket")
        s3.delete_bucket_tagging(Bucket="walk-bucket")
        s3.put_object(Bucket="walk-bucket", Key="reports/a.csv", Body=b"a,b\n1,2\n")
        s3.head_object(Bucket="walk-bucket", Key="reports/a.csv")
        s3.get_object(Bucket="walk-bucket", Key="reports/a.csv")["Body"].read()
        s3.list_objects_v2(Bucket="walk-bucket", Prefix="reports/")
        s3.list_objects_v2(Bucket="walk-gone")
        upload = s3.create_multipart_upload(Bucket="walk-bucket", Key="big")["UploadId"]
        etag = s3.upload_part(Bucket="walk-bucket", Key="big", PartNumber=1, UploadId=upload, Body=b"x" * 1024)["ETag"]
        s3.complete_multipart_upload(Bucket="walk-bucket", Key="big", UploadId=upload,
                                     MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]})
        aborted = s3.create_multipart_upload(Bucket="walk-bucket", Key="aborted")["UploadId"]
        s3.abort_multipart_upload(Bucket="walk-bucket", Key="aborted", UploadId=aborted)
        s3.delete_object(Bucket="walk-bucket", Key="reports/a.csv")
        s3.delete_bucket(Bucket="walk-gone")

    def walk_empty_lists(self, services):
        """Calls every implemented List operation that needs no input where
        nothing exists (organizations: as the management account), so that
        empty result lists are checked too."""
        for svc in services:
            name = BOTOCORE_NAMES.get(svc["service"], svc["service"])
            account = MANAGEMENT if name == "organizations" else EMPTY_ACCOUNT
            client = self.walk.client(name, account, EMPTY_REGION)
            model = self.walk.checker(name).model
            for op in svc["implemented"]:
                if not op.startswith("List"):
                    continue
                shape = model.operation_model(op).input_shape
                if shape is not None and shape.required_members:
                    continue
                getattr(client, botocore.xform_name(op))()

    def walk_config(self):
        cfg = self.walk.client("config", WORKLOAD)
        cfg.list_discovered_resources(resourceType="AWS::EC2::Volume")
        cfg.describe_configuration_recorders()
        cfg.describe_configuration_recorder_status(ConfigurationRecorderNames=["default"])
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": "arn:aws:iam::%s:role/config" % WORKLOAD,
            "recordingGroup": {"allSupported": True}})
        cfg.stop_configuration_recorder(ConfigurationRecorderName="default")
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")

    def walk_tagging(self):
        t = self.walk.client("resourcegroupstaggingapi", WORKLOAD)
        t.tag_resources(ResourceARNList=[self.vault_arn], Tags={"owner": "walk"})
        t.get_resources(TagFilters=[{"Key": "owner"}])
        t.get_tag_keys()
        t.get_tag_values(Key="owner")
        t.untag_resources(ResourceARNList=[self.vault_arn], TagKeys=["owner"])


if __name__ == "__main__":
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
