"""The merged configuration (`devcon validate --merge`).

What a dev container really gets is the devcontainer.json merged with the metadata of the
Features it installs and of its base image (`devcontainer.metadata` label). Following the
spec's merge logic, the image metadata is lowest, then Features in install order, then the
devcontainer.json. Every merged value remembers where it came from, so a finding can say
"privileged: true, set by Feature ghcr.io/x/y:1".
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devcon import images
from devcon.definition import ConfigDocument
from devcon.discovery import references, workspace_folder
from devcon.dockerfile.parser import parse_dockerfile
from devcon.errors import EnvironmentProblem, InputError
from devcon.features import feature_metadata, feature_reference
from devcon.fileio import read_text
from devcon.jsonc import Pointer
from devcon.progress import Progress, Tally, no_progress
from devcon.reference import Reference
from devcon.registry.client import RegistryClient
from devcon.registry.errors import NotFound, RegistryError
from devcon.rules.base import MergedConfig, Origin

METADATA_LABEL = "devcontainer.metadata"
# `${name[:arg[:default]]}`; the second branch takes `${` and the rest of the text when no `}`
# follows (then nothing later matches either): a search never rescans the tail per `${`
_VARIABLE = re.compile(r"\$\{(?:([^}:]+)(?::([^}:]*))?(?::([^}]*))?\}|(?=[^}:])[^}]*\Z)")
_OR = ("init", "privileged")
_UNION = ("capAdd", "securityOpt", "forwardPorts")
_COLLECT = (
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
    "entrypoint",
)
_PER_KEY = ("containerEnv", "remoteEnv", "portsAttributes")


@dataclass(frozen=True)
class MergeOptions:
    local_env: Mapping[str, str]  # ${localEnv:X} values
    use_env: bool = False  # read the real environment for ${localEnv:X}


@dataclass(frozen=True)
class Layer:
    """One metadata source in merge order."""

    label: str
    origin: Origin | None  # None for the devcontainer.json itself
    data: Mapping[str, Any]


def substitute_variables(value: Any, variables: Callable[[str, str | None], str | None]) -> Any:
    """Resolve `${...}` in every string; unknown variables are left as written."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return match.group(0)  # `${` with no `}` after it: left as written
            arg = match.group(2)
            default = match.group(3)
            resolved = variables(name, arg)
            if resolved is None:
                return default if default is not None else match.group(0)
            return resolved

        return _VARIABLE.sub(replace, value)
    if isinstance(value, list):
        return [substitute_variables(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute_variables(v, variables) for k, v in value.items()}
    return value


def _variables(
    config_path: Path, config: Mapping[str, Any], options: MergeOptions
) -> Callable[[str, str | None], str | None]:
    workspace = workspace_folder(config_path)
    container_folder = config.get("workspaceFolder")
    if not isinstance(container_folder, str) or "${" in container_folder:
        container_folder = f"/workspaces/{workspace.name}"

    def lookup(name: str, arg: str | None) -> str | None:
        if name in ("localEnv", "env") and arg is not None:
            if arg in options.local_env:
                return options.local_env[arg]
            if options.use_env:
                return os.environ.get(arg)
            return None
        return {
            "localWorkspaceFolder": str(workspace),
            "localWorkspaceFolderBasename": workspace.name,
            "containerWorkspaceFolder": container_folder,
            "containerWorkspaceFolderBasename": container_folder.rstrip("/").rsplit("/", 1)[-1],
            "devcontainerId": "devcon-placeholder-devcontainer-id",
        }.get(name)

    return lookup


def _mount_target(mount: Any) -> str | None:
    if isinstance(mount, dict):
        target = mount.get("target")
        return str(target) if target else None
    if isinstance(mount, str):
        for part in mount.split(","):
            key, _, value = part.partition("=")
            if key.strip() in ("target", "destination", "dst"):
                return value.strip()
    return None


def merge(layers: list[Layer]) -> MergedConfig:
    """Merge metadata layers (lowest first) by the spec's rules, tracking origins."""
    merged: dict[str, Any] = {}
    origins: dict[Pointer, Origin] = {}

    def own(pointer: Pointer, layer: Layer) -> None:
        if layer.origin is None:
            origins.pop(pointer, None)
        else:
            origins[pointer] = layer.origin

    for layer in layers:
        for key, value in layer.data.items():
            if key in _OR:
                if value is True and merged.get(key) is not True:
                    merged[key] = True
                    own((key,), layer)
                elif key not in merged:
                    merged[key] = value
                    own((key,), layer)
            elif key in _UNION and isinstance(value, list):
                current = merged.setdefault(key, [])
                for item in value:
                    if item not in current:
                        current.append(item)
                        own((key, len(current) - 1), layer)
            elif key == "mounts" and isinstance(value, list):
                current = merged.setdefault(key, [])
                for item in value:
                    target = _mount_target(item)
                    index = next(
                        (i for i, m in enumerate(current) if target and _mount_target(m) == target),
                        None,
                    )
                    if index is None:
                        current.append(item)
                        index = len(current) - 1
                    else:
                        current[index] = item
                    own((key, index), layer)
            elif key in _COLLECT:
                merged.setdefault(key, []).append(value)
                own((key, len(merged[key]) - 1), layer)
            elif key in _PER_KEY and isinstance(value, dict):
                current = merged.setdefault(key, {})
                for name, item in value.items():
                    current[name] = item
                    own((key, name), layer)
            elif key == "customizations" and isinstance(value, dict):
                _merge_customizations(merged, value, layer, own)
            else:
                merged[key] = value
                own((key,), layer)
    return MergedConfig(merged, origins)


def _merge_customizations(
    merged: dict[str, Any],
    value: Mapping[str, Any],
    layer: Layer,
    own: Callable[[Pointer, Layer], None],
) -> None:
    """Tools' customizations: VS Code extensions are collected from every source; any other
    setting takes the highest source's value."""
    current = merged.setdefault("customizations", {})
    for tool, settings in value.items():
        if not isinstance(settings, dict):
            current[tool] = settings
            continue
        target = current.setdefault(tool, {})
        for name, item in settings.items():
            if name == "extensions" and isinstance(item, list):
                extensions = target.setdefault("extensions", [])
                for extension in item:
                    if extension not in extensions:
                        extensions.append(extension)
                        own(("customizations", tool, "extensions", len(extensions) - 1), layer)
            else:
                target[name] = item
                own(("customizations", tool, name), layer)


def _image_metadata(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, str):
        return []
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    if isinstance(data, dict):
        return [data]
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


class Merger:
    """Builds the merged configuration of a devcontainer.json; fetches through the registry
    client (and the local engine for images it has)."""

    def __init__(
        self,
        client: Callable[[], RegistryClient],
        options: MergeOptions,
        progress: Progress = no_progress,
    ) -> None:
        self._client_factory = client
        self._client: RegistryClient | None = None
        self.options = options
        self.progress = progress  # told each Feature fetched

    @property
    def client(self) -> RegistryClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def __call__(self, item: ConfigDocument) -> MergedConfig | None:
        if item.doc is None or not isinstance(item.doc.value, dict):
            return None
        config: dict[str, Any] = dict(item.doc.value)
        lookup = _variables(item.path, config, self.options)
        resolved = substitute_variables(config, lookup)
        layers: list[Layer] = []
        layers += self._image_layers(item, resolved)
        layers += self._feature_layers(item, resolved)
        layers.append(Layer(str(item.path), None, resolved))
        return merge(layers)

    # -- image metadata ----------------------------------------------------------------
    def _base_image(
        self, item: ConfigDocument, config: Mapping[str, Any]
    ) -> tuple[Reference | None, tuple[int, int]]:
        assert item.doc is not None
        uses = images.in_config(item.doc)
        if uses:
            return uses[0].reference, (uses[0].line, uses[0].column)
        refs = references(item.path, config)
        if refs.dockerfile is None:
            return None, (1, 1)
        args = {k: v for k, v in refs.build_args.items() if v is not None}
        dockerfile = parse_dockerfile(read_text(refs.dockerfile), refs.dockerfile, args)
        build = config.get("build") if isinstance(config.get("build"), dict) else {}
        target = build.get("target") if isinstance(build, dict) else None
        stage = dockerfile.stage(target) if isinstance(target, str) else dockerfile.final_stage
        if stage is None:
            return None, (1, 1)
        root = dockerfile.root_stage(stage)
        for use in images.in_dockerfile(dockerfile):
            if use.line == root.from_instruction.line and use.origin is images.UseSite.FROM:
                line, column = item.doc.value_position(("build", "dockerfile"))
                return use.reference, (line, column)
        return None, (1, 1)

    def _image_layers(self, item: ConfigDocument, config: Mapping[str, Any]) -> list[Layer]:
        ref, (line, column) = self._base_image(item, config)
        if ref is None:
            return []
        try:
            manifest = self.client.manifest(ref, ref.manifest_ref())
            if manifest.is_index:
                entries = manifest.platforms()
                if not entries:
                    return []
                manifest = self.client.manifest(ref, str(entries[0][1]["digest"]))
            image_config = self.client.config(ref, manifest)
        except RegistryError as exc:
            raise EnvironmentProblem(
                f"image {ref.original}: cannot read its metadata: " + exc.text
            ) from None
        labels = (image_config.get("config") or {}).get("Labels") or {}
        origin = Origin(f"the metadata of image {ref.original}", line, column)
        return [
            Layer(origin.label, origin, entry)
            for entry in _image_metadata(labels.get(METADATA_LABEL))
        ]

    # -- Features ----------------------------------------------------------------------
    def _feature_layers(self, item: ConfigDocument, config: Mapping[str, Any]) -> list[Layer]:
        assert item.doc is not None
        features = config.get("features")
        if not isinstance(features, dict):
            return []
        ids = list(features)
        override = config.get("overrideFeatureInstallOrder")
        if isinstance(override, list):
            first = [i for i in override if i in features]
            ids = first + [i for i in ids if i not in first]
        loaded: list[tuple[str, dict[str, Any]]] = []
        tally = Tally(self.progress, f"{item.path}: fetching Features", len(ids))
        tally.start()
        for feature_id in ids:
            loaded.append((feature_id, self._load_feature(item, str(feature_id))))
            tally.tick()
        ordered = _install_order(loaded)
        layers = []
        for feature_id, metadata in ordered:
            line, column = item.doc.key_position(("features", feature_id))
            origin = Origin(f"Feature {feature_id}", line, column)
            layers.append(Layer(origin.label, origin, metadata))
        return layers

    def _load_feature(self, item: ConfigDocument, feature_id: str) -> dict[str, Any]:
        if feature_id.startswith(("./", "../")):
            path = item.path.parent / feature_id / "devcontainer-feature.json"
            try:
                from devcon import jsonc

                data = jsonc.parse(read_text(path)).value
            except (InputError, jsonc.JsoncSyntaxError) as exc:
                raise InputError(f"Feature {feature_id}: {exc}", str(item.path)) from None
            return data if isinstance(data, dict) else {}
        assert item.doc is not None
        line, column = item.doc.key_position(("features", feature_id))
        where = f"{item.path}:{line}:{column}"
        ref = feature_reference(feature_id)
        if ref is None:  # a limit of devcon's, not the environment's: a retry gives the same
            raise InputError(
                f"Feature {feature_id}: only OCI and local Features can be merged yet", where
            )
        try:
            digest, _ = self.client.resolve_tag(ref)
            return feature_metadata(self.client, ref, digest)
        except NotFound as exc:  # the config names a Feature the registry does not have
            raise InputError(f"Feature {feature_id}: " + exc.text, where) from None
        except RegistryError as exc:
            raise EnvironmentProblem(f"Feature {feature_id}: cannot fetch: " + exc.text) from None


def _install_order(loaded: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """Honour `installsAfter` / `dependsOn` among the Features present (a stable topological
    sort); the declared order breaks ties."""

    def base_id(feature_id: str) -> str:
        return feature_id.split("@")[0].rsplit(":", 1)[0] if "/" in feature_id else feature_id

    by_base = {base_id(fid): fid for fid, _ in loaded}
    remaining = list(loaded)
    ordered: list[tuple[str, dict[str, Any]]] = []
    placed: set[str] = set()
    while remaining:
        for index, (fid, meta) in enumerate(remaining):
            after = list(meta.get("installsAfter") or []) + list(meta.get("dependsOn") or {})
            needs = {by_base.get(base_id(str(a))) for a in after} - {None, fid}
            if needs <= placed:
                ordered.append((fid, meta))
                placed.add(fid)
                del remaining[index]
                break
        else:  # a cycle: keep the declared order
            ordered.extend(remaining)
            break
    return ordered
