"""The rules about one Docker container option (cap-add-all, seccomp-override,
seccomp-unconfined): the option's values in devcontainer.json (its own key and `runArgs`), in a
Feature's devcontainer-feature.json and in compose services, judged by one function."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from devcon.compose import ComposeService, Located
from devcon.container_options import Option, cap_adds, security_opts
from devcon.rules.base import (
    Category,
    ComposeContext,
    ConfigContext,
    Problem,
    Rule,
    RuleDoc,
)


@dataclass(frozen=True)
class ContainerOption:
    """A container option as devcontainer.json and a compose service write it."""

    compose_key: str
    in_config: Callable[[Any], list[Option]]
    in_service: Callable[[ComposeService], tuple[Located, ...]]


CAP_ADD = ContainerOption("cap_add", cap_adds, lambda service: service.cap_add)
SECURITY_OPT = ContainerOption("security_opt", security_opts, lambda service: service.security_opt)

# what a rule says of a value it reports: (how it is written, the value, whether in a
# Feature's file) -> the message
OptionMessage = Callable[[str, str, bool], str]


def option_rule(
    name: str,
    category: Category,
    summary: str,
    doc: RuleDoc,
    *,
    option: ContainerOption,
    reports: Callable[[str], bool],
    message: OptionMessage,
) -> Rule:
    """The rule `name`: `message` on every value of `option` it `reports`, in configs,
    Features and the services of compose files."""

    def config(ctx: ConfigContext) -> Iterator[Problem]:
        feature = ctx.is_feature
        for found in option.in_config(ctx.value):
            if reports(found.value):
                yield ctx.report_merged(found.pointer, message(found.written, found.value, feature))

    def compose(ctx: ComposeContext) -> Iterator[Problem]:
        for service in ctx.compose.accepted_services:
            written = f"service `{service.name.value}` `{option.compose_key}`"
            for value in option.in_service(service):
                if reports(value.value):
                    yield Problem.at(value, message(written, value.value, False))

    return Rule(
        name=name,
        category=category,
        summary=summary,
        doc=doc,
        config=config,
        feature=config,
        compose=compose,
    )
