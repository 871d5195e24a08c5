"""Pre-approved templates: created by an admin, approved by someone else, triggered in one step."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from pydantic import Field, ValidationError

from chalicelib.domain import groups, placeholders, screening
from chalicelib.domain.errors import (Conflict, IdempotencyKeyReused, ScreeningFailed, StaleWrite,
                                     ValidationFailed)
from chalicelib.domain.models import (Advisory, AdvisoryContent, AdvisoryState, Approval,
                                      AuditEvent, ChosenGroup, Strict, Template, TemplateParameter,
                                      TemplateState, User, canonical_json)
from chalicelib.ports import Clock, Marker, Store
from chalicelib import platforms
from chalicelib.rendering.profiles import PostProfile
from chalicelib.rendering.view import post_for
from chalicelib.rendering.sandbox import CustomTemplateError, render_custom
from chalicelib.services.advisories import AdvisoryService, BroadcastResult
from chalicelib.services.common import commit_or_conflict, create, found, record_refusal, refuse, stored


class TemplateDraft(Strict):
    name: str = Field(min_length=1, max_length=120)
    content: dict[str, Any]
    parameters: list[TemplateParameter] = Field(default_factory=list, max_length=20)
    # Optional admin-written wording per platform: Jinja source, run in the sandbox.
    renderings: dict[str, Annotated[str, Field(max_length=5000)]] = Field(default_factory=dict, max_length=12)


D = TypeVar("D", bound=TemplateDraft)


class TemplatePreviewRequest(TemplateDraft):
    """POST /templates/preview: a template as it is being written, and values to fill it with
    (a required parameter not given is filled with a sample value of its type)."""

    sample: dict[str, Any] = Field(default_factory=dict, max_length=20)


class RetireRequest(Strict):
    """Optional: why the template is retired (kept on it and in the audit trail)."""

    reason: str = Field(default="", max_length=2000)


class TriggerRequest(Strict):
    parameters: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(default=None, min_length=1, max_length=128,
                                           pattern=r"^[\x21-\x7e]+$")

    def fingerprint(self, template_id: str) -> str:
        """What a retry repeats exactly: the template and its parameters (not the key)."""
        payload = canonical_json({"template_id": template_id, "parameters": self.parameters})
        return hashlib.sha256(payload.encode()).hexdigest()


class SnsTrigger(Strict):
    """The message another system (paging, monitoring) publishes on the trigger topic."""

    template_id: str = Field(min_length=1, max_length=64)
    parameters: dict[str, Any] = Field(default_factory=dict)
    # A label for the audit trail beside the fixed actor (system:sns-trigger), never the actor.
    source: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._:/@-]{0,99}$")


@dataclass(frozen=True)
class TriggerResult:
    advisory: Advisory
    created: bool
    broadcast: BroadcastResult | None


def validation_details(error: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    return [{"field": prefix + ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in error.errors()]


class TemplateService:
    def __init__(self, store: Store, advisories: AdvisoryService, clock: Clock) -> None:
        self._store = store
        self._advisories = advisories
        self._clock = clock

    def get(self, template_id: str) -> Template:
        return found(self._store.get_template(template_id), "template", template_id)

    def all(self) -> list[Template]:
        return self._store.list_templates()

    def create(self, actor: User, draft: TemplateDraft) -> Template:
        draft, chosen = self._expanded(draft)
        sample = self._check(draft)
        self._screen_or_raise(actor, "template_create", sample, draft.renderings)
        template, put = create(Template(name=draft.name, content=draft.content, renderings=draft.renderings,
                                        parameters=draft.parameters, channel_groups=chosen, author=actor.id,
                                        created_at=self._clock.now()))
        self._store.commit([put], [AuditEvent(actor=actor.id, action="template_create",
                                              summary=f"{template.id}: {template.name}")])
        return template

    def edit(self, actor: User, template_id: str, draft: TemplateDraft) -> Template:
        """New wording for a draft or approved template, checked as at creation; back to draft,
        any approval void (on-call cannot trigger it until someone else approves it again)."""
        template = self.get(template_id)
        draft, chosen = self._expanded(draft)
        edited, event = template.edit(draft.name, draft.content, draft.parameters, draft.renderings,
                                      actor.id, self._clock.now(), chosen)
        sample = self._check(draft)
        self._screen_or_raise(actor, "template_edit", sample, draft.renderings, template.id)
        commit_or_conflict(self._store, [stored(template, edited)], [event],
                           lambda: self.get(template_id).state.value)
        return edited

    def retire(self, actor: User, template_id: str, reason: str = "") -> Template:
        """Out of use for good: listed with its state, on the trail, never triggered again."""
        template = self.get(template_id)
        retired, event = template.retire(actor.id, self._clock.now(), reason)
        commit_or_conflict(self._store, [stored(template, retired)], [event],
                           lambda: self.get(template_id).state.value)
        return retired

    def preview_draft(self, actor: User, request: TemplatePreviewRequest) -> Advisory:
        """The advisory a template being written fills into with `request.sample`: checked as at
        creation (422), not stored; its renderings and findings come from the advisories' preview."""
        request, chosen = self._expanded(request)
        self._check(request)
        values, problems = placeholders.validate_parameters(
            request.parameters,
            {**{p.name: placeholders.sample_value(p) for p in request.parameters if p.required}, **request.sample})
        if problems:
            raise ValidationFailed("some sample values are not valid",
                                   [{**problem, "field": f"sample.{problem['field']}"} for problem in problems])
        content = self._filled(request.content, values, "the template filled with the sample values "
                                                        "is not a valid advisory")
        draft = self._advisories.draft_for_preview(actor, content)
        return draft.model_copy(update={"renderings": request.renderings, "channel_groups": chosen})

    def approve(self, actor: User, template_id: str, reviewed_hash: str | None = None) -> Template:
        """Approve the template as it stands; with `reviewed_hash`, only if that is still its content."""
        template = self.get(template_id)
        if template.wrote(actor.id):
            raise refuse(self._store, actor, "template_approve",
                         "you cannot approve a template you wrote or edited; another approver must")
        if reviewed_hash is not None and reviewed_hash != template.content_hash():
            raise Conflict("the template changed since you reviewed it; review it again",
                           {"content_hash": template.content_hash()})
        approved, event = template.approve(actor.id, self._clock.now())
        # Channels, settings and the clock may have moved since creation: screen what is approved.
        self._screen_or_raise(actor, "template_approve", self._sample(template.content, template.parameters),
                              template.renderings, template.id)
        commit_or_conflict(self._store, [stored(template, approved)], [event],
                           lambda: self.get(template_id).state.value)
        return approved

    def trigger(self, actor: User, template_id: str, request: TriggerRequest,
                source: str = "api") -> TriggerResult:
        """Fill the template and broadcast at once, under the template's own approval."""
        template = self.get(template_id)
        approval = self._require_triggerable(template)
        marker_key = f"trigger:{template.id}:{request.idempotency_key}" if request.idempotency_key else None
        fingerprint = request.fingerprint(template.id)
        earlier = self._earlier_trigger(marker_key, fingerprint)
        if earlier:
            return TriggerResult(earlier, created=False, broadcast=None)
        advisory = self._fill(actor, template, request.parameters)
        blocking = screening.blocking(self.screen_trigger(advisory, request.parameters))
        if blocking:
            raise ScreeningFailed("the filled template does not pass screening",
                                  [f.model_dump() for f in blocking])
        advisory, put = create(advisory)
        puts = [put] + ([create(Marker(key=marker_key, ref=advisory.id, fingerprint=fingerprint))[1]]
                        if marker_key else [])
        event = AuditEvent(actor=actor.id, action="trigger", advisory_id=advisory.id,
                           summary=f"template {template.id} via {source}, approved by "
                                   f"{approval.by} through the template")
        try:
            self._store.commit(puts, [event])
        except StaleWrite:
            found_earlier = self._earlier_trigger(marker_key, fingerprint)
            if found_earlier:
                return TriggerResult(found_earlier, created=False, broadcast=None)
            raise
        return TriggerResult(advisory, created=True, broadcast=self._advisories.broadcast(actor, advisory))

    def preview(self, actor: User, template_id: str, parameters: dict[str, Any]) -> Advisory:
        """What a trigger with these parameters would send, filled and checked but not stored:
        on-call confirm the exact text before they launch."""
        template = self.get(template_id)
        self._require_triggerable(template)
        return self._fill(actor, template, parameters)

    @staticmethod
    def _require_triggerable(template: Template) -> Approval:
        """The approval it is triggered under; 409 when it is retired, or not approved as it is."""
        if template.state is TemplateState.RETIRED:
            retirement = template.retirement
            by = f" by {retirement.by} on {retirement.at:%Y-%m-%d}" if retirement else ""
            raise Conflict(f"the template {template.name!r} was retired{by} and can no longer be "
                           "triggered; use another template", {"state": template.state.value})
        if not template.triggerable or template.approval is None:
            raise Conflict("this template is not approved", {"state": template.state.value})
        return template.approval

    def _earlier_trigger(self, marker_key: str | None, fingerprint: str) -> Advisory | None:
        """The advisory an earlier use of this key made; a key reused for another request is
        refused, so a retry can never swallow a different alert."""
        marker = self._store.get_marker(marker_key) if marker_key else None
        if marker is None or not marker.ref:
            return None
        if marker.fingerprint is not None and marker.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request; a new alert needs a new key",
                {"idempotency_key": marker_key.split(":", 2)[-1] if marker_key else None,
                 "advisory_id": marker.ref})
        return self._advisories.get(marker.ref)

    def _fill(self, actor: User, template: Template, given: dict[str, Any]) -> Advisory:
        values, problems = placeholders.validate_parameters(template.parameters, given)
        if problems:
            raise ValidationFailed("some parameters are not valid", problems)
        content = self._filled(template.content, values, "the filled template is not a valid advisory")
        assert template.approval is not None
        advisory = Advisory(content=content, author=actor.id, state=AdvisoryState.APPROVED,
                            renderings=template.renderings, channel_groups=template.channel_groups,
                            created_at=self._clock.now(), updated_at=self._clock.now())
        approval = Approval(by=template.approval.by, at=self._clock.now(),
                            content_hash=advisory.content_hash(), via_template=template.id,
                            triggered_by=actor.id)
        return advisory.model_copy(update={"approval": approval})

    def screen_trigger(self, advisory: Advisory, parameters: dict[str, object]) -> list[screening.Finding]:
        """What a trigger is screened for, and its preview shows: the filled advisory, and each
        parameter on its own ("parameters.area", with offsets in the value). No second opinion: it
        only warns, and nobody reviews a pre-approved trigger's warnings."""
        return [*self._advisories.screen(advisory, second_opinion=False),
                *self._advisories.screen_values(parameters, "parameters")]

    def _screen_or_raise(self, actor: User, action: str, sample: AdvisoryContent,
                         renderings: dict[str, str], template_id: str | None = None) -> None:
        """A template is screened like an advisory at submit, filled with sample values, so an
        Exercise aimed at a live account or an expired window fails now, not at 3 a.m."""
        advisory = Advisory(content=sample, author=actor.id, renderings=renderings)
        blocking = screening.blocking(self._advisories.screen(advisory))
        if blocking:
            record_refusal(self._store, AuditEvent(actor=actor.id, action=f"refused:{action}",
                                                   summary=f"{template_id or 'new template'}: screening "
                                                           f"found {len(blocking)} blocking problems"))
            raise ScreeningFailed("the template does not pass screening (filled with sample values)",
                                  [f.model_dump() for f in blocking])

    @staticmethod
    def _sample(content: dict[str, Any], parameters: list[TemplateParameter]) -> AdvisoryContent:
        values = {p.name: placeholders.sample_value(p) for p in parameters}
        return TemplateService._filled(content, values, "the template does not fill into a valid advisory")

    @staticmethod
    def _filled(content: dict[str, Any], values: dict[str, str], problem: str) -> AdvisoryContent:
        try:
            return AdvisoryContent.model_validate(placeholders.fill(content, values))
        except ValidationError as error:
            raise ValidationFailed(problem, validation_details(error, "content.")) from error

    def _expanded(self, draft: D) -> tuple[D, list[ChosenGroup]]:
        """The draft with each `group:<name>` among its channels expanded, as an advisory's are
        when it is saved (AdvisoryService.expand_channels): the template's approval, and so every
        trigger, covers the accounts the group held then. Channels that are not a valid list are
        left for `_check` to report."""
        channels = draft.content.get("channels")
        if not isinstance(channels, list) or not any(isinstance(c, str) and groups.is_group(c) for c in channels):
            return draft, []
        try:
            listed = AdvisoryContent.model_validate({"headline": "-", "channels": channels})
        except ValidationError:
            return draft, []
        expanded, chosen = self._advisories.expand_channels(listed, known_only=False)
        return draft.model_copy(update={"content": {**draft.content, "channels": expanded.channels}}), chosen

    def _check(self, draft: TemplateDraft) -> AdvisoryContent:
        names = [p.name for p in draft.parameters]
        problems = [{"field": "parameters", "problem": f"{n} is declared twice"}
                    for n in sorted({n for n in names if names.count(n) > 1})]
        problems += [{"field": "content", "problem": f"placeholder {{{n}}} is not a declared parameter"}
                     for n in sorted(set(placeholders.placeholders_in(draft.content)) - set(names))]
        if problems:
            raise ValidationFailed("the template is not valid", problems)
        content = self._sample(draft.content, draft.parameters)
        self._check_renderings(draft, content)
        return content

    @staticmethod
    def _check_renderings(draft: TemplateDraft, sample: AdvisoryContent) -> None:
        """Each admin-written wording compiles and renders in the sandbox, for a known platform."""
        problems = []
        worded = [spec.name for spec in platforms.specs() if isinstance(spec.profile, PostProfile)]
        for platform, source in draft.renderings.items():
            if platform not in worded:
                problems.append({"field": f"renderings.{platform}",
                                 "problem": f"no custom wording for {platform}; use one of {', '.join(worded)}"})
                continue
            try:
                render_custom(source, post_for(Advisory(content=sample, author="check"), sample).as_view())
            except CustomTemplateError as error:
                problems.append({"field": f"renderings.{platform}", "problem": str(error)})
        if problems:
            raise ValidationFailed("a custom wording is not valid", problems)
