from __future__ import annotations

import pytest

from ecoute.net import UnsafeUrlError, check_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://localhost:8080/x",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://foo.localhost/",
    ],
)
def test_private_targets_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://x/", "ftp://example.org/", "http:///nohost"])
def test_bad_schemes_and_hosts_are_refused_even_when_private_allowed(url: str) -> None:
    with pytest.raises(UnsafeUrlError):
        check_url(url, allow_private=True)


def test_public_literal_passes_and_loopback_passes_when_allowed() -> None:
    assert check_url("https://93.184.216.34/rss", allow_private=False)
    assert check_url("http://127.0.0.1:8000/feed", allow_private=True)


def test_unresolvable_names_are_refused() -> None:
    with pytest.raises(UnsafeUrlError, match="cannot resolve"):
        check_url("https://does-not-exist.invalid/feed", allow_private=False)
