"""Which stored files the database names, and which files the storage holds."""

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models


def referenced_files() -> set[str]:
    """Every stored name a row names: file fields of every model, and the pictures' renditions."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    )
                )
            elif field.name == "renditions" and isinstance(field, models.JSONField):
                for renditions in model._default_manager.values_list(field.name, flat=True):
                    names.update((renditions or {}).values())
    names.discard(None)
    return names


def stored_files(folder: str = "") -> set[str]:
    """Every file in the storage, walked folder by folder (a bucket lists its keys the same way)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # nothing uploaded yet
        return set()
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for sub in folders:
        found |= stored_files(f"{folder}/{sub}".lstrip("/"))
    return found
