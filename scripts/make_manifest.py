"""Write published/manifest.json: id, title, publisher, date, licence, source and sha256 of
every bundled publication. Metadata comes from published/sources.toml; checksums are computed
from the files as they are. Run after adding a document: python scripts/make_manifest.py"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUB = ROOT / "published"


def main() -> int:
    meta = tomllib.loads((PUB / "sources.toml").read_text(encoding="utf-8"))
    docs = []
    for entry in meta["document"]:
        path = PUB / entry["file"]
        if not path.is_file():
            print(f"make_manifest: {path} is missing", file=sys.stderr)
            return 1
        docs.append({**entry, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                     "bytes": path.stat().st_size})
    out = {"description": "Publications bundled with pubcheck, byte for byte as supplied.",
           "documents": docs}
    (PUB / "manifest.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    print(f"wrote {PUB / 'manifest.json'} ({len(docs)} documents)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
