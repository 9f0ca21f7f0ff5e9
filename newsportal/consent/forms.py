from django import forms
from django.conf import settings

from newsportal.consent.models import ConsentEvent

DECISIONS = [c for c in ConsentEvent.Action.choices if c[0] != ConsentEvent.Action.WITHDRAW]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS)
    category = forms.MultipleChoiceField(required=False)
    next = forms.CharField(required=False, max_length=2000)
    # The version and language of the text the visitor was shown: what the decision answers.
    policy_version = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    language = forms.ChoiceField(required=False, choices=settings.LANGUAGES)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["category"].choices = [(c.key, c.name) for c in policy.optional_categories]

    def is_outdated(self) -> bool:
        """The form was rendered with another version than the current one (or with none)."""
        return self.cleaned_data["policy_version"] != self.policy.version

    def granted(self) -> frozenset[str]:
        decision = self.cleaned_data["decision"]
        if decision == ConsentEvent.Action.ACCEPT:
            return self.policy.optional_keys
        if decision == ConsentEvent.Action.DECLINE:
            return frozenset()
        return frozenset(self.cleaned_data["category"])
