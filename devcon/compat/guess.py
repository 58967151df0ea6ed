"""Facts guessed from an image reference alone (offline, and in `devcon validate`).

Tags lie (`myorg/base:3` may be Alpine), so this is only a fallback, always marked as a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace

from devcon.compat.facts import ImageInfo
from devcon.reference import Reference

# (repository name, tag pattern) -> (distro id, version, glibc version) for EOL families
_GLIBC_FAMILIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("centos", r"^(centos)?7(\.|$|-)", "centos", "7", "2.17"),
    ("centos", r"^(centos)?6(\.|$|-)", "centos", "6", "2.12"),
    ("debian", r"^(9(\.|$|-)|stretch)", "debian", "9", "2.24"),
    ("debian", r"^(8(\.|$|-)|jessie)", "debian", "8", "2.19"),
    ("ubuntu", r"^(18\.04|bionic)", "ubuntu", "18.04", "2.27"),
    ("ubuntu", r"^(16\.04|xenial)", "ubuntu", "16.04", "2.23"),
    ("oraclelinux", r"^7(\.|$|-)", "ol", "7", "2.17"),
    ("ubi7", r".*", "rhel", "7", "2.17"),
    ("rhel7", r".*", "rhel", "7", "2.17"),
    ("amazonlinux", r"^2(\.|$|-)", "amzn", "2", "2.26"),
)


# what every guess shares: nothing read from the image, marked as a guess
_GUESS = ImageInfo(
    image="",
    source="name",
    architecture=None,
    distro_id=None,
    distro_version=None,
    distro_name=None,
    libc=None,
    libc_version=None,
    has_shell=None,
    has_tar=None,
    guessed=True,
    notes=("guessed from the image name: not read from the image",),
)


def guess(ref: Reference, image: str | None = None) -> ImageInfo | None:
    """What the name suggests, or None when it suggests nothing."""
    name = ref.repository.rsplit("/", 1)[-1].lower()
    tag = (ref.tag or "").lower()
    whole = f"{ref.repository}:{tag}".lower()
    label = image or ref.original
    if "alpine" in whole:
        match = re.search(r"alpine-?(\d+\.\d+)", whole)
        version = match.group(1) if match else None
        if version is None and name == "alpine" and re.match(r"^\d+\.\d+", tag):
            version = ".".join(tag.split(".")[:2])
        return replace(
            _GUESS,
            image=label,
            distro_id="alpine",
            distro_version=version,
            libc="musl",
            has_shell=True,
            has_tar=True,
        )
    if "distroless" in ref.repository and not tag.startswith("debug"):
        return replace(
            _GUESS,
            image=label,
            libc="glibc",
            has_shell=False,
            has_tar=False,
            notes=("guessed from the image name: distroless images have no shell",),
        )
    for repo, pattern, distro, version, glibc in _GLIBC_FAMILIES:
        if name == repo and re.search(pattern, tag):
            return replace(
                _GUESS,
                image=label,
                distro_id=distro,
                distro_version=version,
                libc="glibc",
                libc_version=glibc,
                has_shell=True,
            )
    return None
