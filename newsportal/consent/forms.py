from django import forms

from newsportal.consent.models import ConsentEvent


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=ConsentEvent.Action.choices)
    category = forms.MultipleChoiceField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["category"].choices = [(c.key, c.name) for c in policy.optional_categories]

    def granted(self) -> frozenset[str]:
        decision = self.cleaned_data["decision"]
        if decision == ConsentEvent.Action.ACCEPT:
            return self.policy.optional_keys
        if decision == ConsentEvent.Action.DECLINE:
            return frozenset()
        return frozenset(self.cleaned_data["category"])
