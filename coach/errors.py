"""Exceptions: one base, split into bad input and failed provider, as the CLI's exit codes are."""

from __future__ import annotations


class CoachError(Exception):
    """Base of every error coach raises on purpose."""

    exit_code = 2


class InputError(CoachError):
    """The input (file, option, transcript) is unusable; the message says what to do."""

    exit_code = 2


class ProviderError(CoachError):
    """The model provider failed after retries: auth, network, refusal, exhausted budget."""

    exit_code = 3
