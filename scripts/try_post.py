"""Post one real test post through a channel adapter, from the command line.

    python scripts/try_post.py --account mastodon:city-health --text "Test, please ignore" \
        --settings '{"base_url": "https://mastodon.social"}' --credentials creds.json --yes

The account's settings start from the local stage's account of that id (chalicelib/seed.py),
or from the stage's store with --from-store, and --settings (JSON) overrides them. Credentials
come from --credentials (a local JSON file) or else from SSM at the account's secret_ref (or
--secret-ref). Nothing is sent without --yes. See docs/real-accounts.md.

The admin API's test post (POST /channels/{id}/test-post) goes the same way: the rendering and the
post are chalicelib/services/channel_accounts.py's `try_rendering` and `publish_try`.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.channels.port import ChannelError
from chalicelib.channels.registry import channel_for
from chalicelib.domain.models import ChannelAccount
from chalicelib.rendering.model import Rendering
from chalicelib.secrets import InMemorySecretStore, SecretStore, SsmSecretStore
from chalicelib.services.channel_accounts import publish_try, try_rendering


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--account", required=True, help="channel account id, e.g. mastodon:city-health")
    parser.add_argument("--text", required=True, help="the post (several --text make a thread)", action="append")
    parser.add_argument("--settings", default="{}", help="JSON object overriding the account's settings")
    parser.add_argument("--credentials", type=Path, help="a local JSON file with the credentials")
    parser.add_argument("--secret-ref", help="the SSM parameter to read instead of the account's")
    parser.add_argument("--from-store", action="store_true", help="read the account from the stage's table")
    parser.add_argument("--pin", action="store_true", help="pin the post after posting it")
    parser.add_argument("--delete-after", action="store_true", help="delete the post again at the end")
    parser.add_argument("--yes", action="store_true", help="really post (without it nothing is sent)")
    return parser.parse_args(argv)


def load_account(args: argparse.Namespace) -> ChannelAccount:
    if args.from_store:
        from chalicelib.composition import clarion

        found = clarion().store.get_channel(args.account)
    else:
        from chalicelib.seed import LOCAL_CHANNELS

        found = next((a for a in LOCAL_CHANNELS if a.id == args.account), None)
    if found is None:
        platform = args.account.split(":", 1)[0]
        found = ChannelAccount(id=args.account, platform=platform, name=args.account)
    overrides = json.loads(args.settings)
    return found.model_copy(update={"settings": {**found.settings, **overrides},
                                    "secret_ref": args.secret_ref or found.secret_ref})


def secrets_for(args: argparse.Namespace, account: ChannelAccount) -> SecretStore:
    if args.credentials:
        return InMemorySecretStore({account.secret_ref or "file": json.loads(args.credentials.read_text())})
    import boto3

    return SsmSecretStore(boto3.client("ssm"))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    account = load_account(args)
    if args.credentials and not account.secret_ref:
        account = account.model_copy(update={"secret_ref": "file"})
    rendering = try_rendering(account, args.text)
    where = account.settings.get("base_url", "the platform's public API")
    print(f"Account {account.id} ({account.platform}) at {where}; {len(rendering.parts)} part(s):")
    for part in rendering.parts:
        print("  | " + part.text.replace("\n", "\n  | "))
    if not args.yes:
        print("Nothing sent: add --yes to really post this.")
        return 2
    try:
        return run(account, secrets_for(args, account), rendering, args)
    except ChannelError as err:  # its message is redacted: safe to print
        print(f"{type(err).__name__}: {err.message}", file=sys.stderr)
        return 1


def run(account: ChannelAccount, secrets: SecretStore, rendering: Rendering, args: argparse.Namespace) -> int:
    import boto3

    channel = channel_for(account, secrets, lambda service: boto3.client(service))
    ref = publish_try(channel, rendering)
    print(f"Posted: id {ref.post_id}  url {ref.url or '-'}  parts {', '.join(ref.part_ids)}")
    if args.pin:
        channel.pin(ref)
        print("Pinned." if channel.capabilities.can_pin else "This platform has no pin API: pin it by hand.")
    if args.delete_after:
        channel.delete(ref)
        print("Deleted again.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
