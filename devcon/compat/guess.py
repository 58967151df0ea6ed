"""Facts guessed from an image reference alone (offline, and in `devcon validate`).

Tags lie (`myorg/base:3` may be Alpine), so this is only a fallback, always marked as a guess.
"""

from __future__ import annotations

import re

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
        return ImageInfo(
            image=label,
            source="name",
            architecture=None,
            distro_id="alpine",
            distro_version=version,
            distro_name=None,
            libc="musl",
            libc_version=None,
            has_shell=True,
            has_tar=True,
            guessed=True,
            notes=("guessed from the image name: not read from the image",),
        )
    if "distroless" in ref.repository and not tag.startswith("debug"):
        return ImageInfo(
            image=label,
            source="name",
            architecture=None,
            distro_id=None,
            distro_version=None,
            distro_name=None,
            libc="glibc",
            libc_version=None,
            has_shell=False,
            has_tar=False,
            guessed=True,
            notes=("guessed from the image name: distroless images have no shell",),
        )
    for repo, pattern, distro, version, glibc in _GLIBC_FAMILIES:
        if name == repo and re.search(pattern, tag):
            return ImageInfo(
                image=label,
                source="name",
                architecture=None,
                distro_id=distro,
                distro_version=version,
                distro_name=None,
                libc="glibc",
                libc_version=glibc,
                has_shell=True,
                has_tar=None,
                guessed=True,
                notes=("guessed from the image name: not read from the image",),
            )
    return None
