"""Texts that reach readers through settings, named here so that they are translated
(locale/*/LC_MESSAGES/django.po): the default TIME_LABEL of the demo newsroom's time zone."""

from django.utils.translation import gettext_noop

TIME_LABELS = [gettext_noop("Almaty time"), gettext_noop("UTC")]
