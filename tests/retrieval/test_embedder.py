import numpy as np
import pytest

from retrieval.embedder import Embedder, FakeEmbedder, make_embedder
from retrieval.errors import EmbedderError


def test_fake_is_deterministic_normalised_and_an_embedder() -> None:
    emb = make_embedder("fake")
    assert isinstance(emb, Embedder)
    a = emb.embed_documents(["被告借款五万元未还", "出租人拒绝退还押金"])
    b = FakeEmbedder().embed_documents(["被告借款五万元未还", "出租人拒绝退还押金"])
    assert a.shape == (2, emb.dim)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    assert emb.embed_query("借款").shape == (emb.dim,)


def test_fake_neighbours_are_meaningful() -> None:
    emb = FakeEmbedder()
    q = emb.embed_query("朋友借钱写了借条不还")
    docs = emb.embed_documents(["被告向原告借钱并出具借条，至今不还", "房东不退押金，租期已满"])
    sims = docs @ q
    assert sims[0] > sims[1] + 0.1


def test_fake_handles_empty_input() -> None:
    emb = FakeEmbedder()
    assert emb.embed_documents([]).shape == (0, emb.dim)
    assert np.all(np.isfinite(emb.embed_query("")))


@pytest.mark.parametrize("name", ["", "no-such-embedding-package-xyz", "/no/such/folder", "no.such.module"])
def test_unknown_models_fail_clearly_without_downloading(name: str) -> None:
    with pytest.raises(EmbedderError):
        make_embedder(name)


def test_a_folder_without_a_model_is_refused(tmp_path) -> None:
    with pytest.raises(EmbedderError, match="no sentence-transformers model"):
        make_embedder(str(tmp_path))
