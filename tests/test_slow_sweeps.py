"""Exhaustive sweeps (python -m pytest -m slow): every Clebsch-Gordan triple, higher frequencies,
large tensor products."""
import numpy as np
import pytest

from conftest import GROUP_FACTORIES, elements_to_test, homomorphism_error
from eqgraph.group import clebsch_gordan, o2_group, o3_group, so2_group, so3_group

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", sorted(GROUP_FACTORIES))
def test_every_clebsch_gordan_triple(name, rng):
    group = GROUP_FACTORIES[name]()
    irreps = group.irreps()
    for a in irreps:
        for b in irreps:
            dims = 0
            for c in irreps:
                for copy in clebsch_gordan(a, b, c):
                    m = copy.reshape(a.size * b.size, c.size)
                    dims += c.size
                    for g in elements_to_test(group, rng, 2):
                        assert np.allclose(np.kron(a(g), b(g)) @ m, m @ c(g), atol=1e-9)
            if not group.continuous:
                assert dims == a.size * b.size


@pytest.mark.parametrize("group", [so2_group(8), o2_group(8), so3_group(6), o3_group(5)], ids=str)
def test_high_frequency_irreps_and_products(group, rng):
    irreps = group.irreps()
    for psi in irreps:
        assert homomorphism_error(psi, group, rng, 3) < 1e-9
    product = irreps[-1].tensor(irreps[-2])
    for g in elements_to_test(group, rng, 3):
        assert np.allclose(product(g), np.kron(irreps[-1](g), irreps[-2](g)), atol=1e-9)


@pytest.mark.parametrize("name", ["octa", "fullocta", "D8"])
def test_regular_tensor_regular_everywhere(name):
    group = GROUP_FACTORIES[name]()
    regular = group.regular_representation
    product = regular.tensor(regular)
    for g in group.elements:
        assert np.allclose(product(g), np.kron(regular(g), regular(g)), atol=1e-9)


@pytest.mark.parametrize("sub_id", [(False, -1), (True, -1), (False, 5), (True, 3), "octa", "ico"])
def test_so3_restrictions_to_high_degree(sub_id, rng):
    group = so3_group(6)
    sub, include, _ = group.subgroup(sub_id)
    for psi in group.irreps():
        restricted = psi.restrict(sub_id)
        for h in elements_to_test(sub, rng, 3):
            assert np.allclose(restricted(h), psi(include(h)), atol=1e-9)
