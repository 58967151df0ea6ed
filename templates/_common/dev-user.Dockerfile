ARG USERNAME=vscode
ARG USER_UID=1000
RUN set -e; \
    if ! id -u "${USERNAME}" >/dev/null 2>&1; then \
        existing="$(awk -F: -v uid="${USER_UID}" '$3 == uid { print $1; exit }' /etc/passwd)"; \
        if [ -n "${existing}" ]; then \
            usermod --login "${USERNAME}" --home "/home/${USERNAME}" --move-home "${existing}"; \
            if grep -q "^${existing}:" /etc/group && ! grep -q "^${USERNAME}:" /etc/group; then \
                groupmod --new-name "${USERNAME}" "${existing}"; \
            fi; \
        else \
            useradd --create-home --uid "${USER_UID}" --shell /bin/bash "${USERNAME}"; \
        fi; \
    fi; \
    mkdir -p "/home/${USERNAME}"; \
    chown "$(id -u "${USERNAME}"):$(id -g "${USERNAME}")" "/home/${USERNAME}"
USER ${USERNAME}
