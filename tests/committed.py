"""For tests that must commit (concurrency, real job processes): clean up what they made."""

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.audit import AuditEntry
from core.db import session_scope
from dispatch.client_models import (
    ClientApiKey,
    ClientEvent,
    ClientRate,
    QualityReview,
    TimesheetSignoff,
    WebhookDelivery,
    WebhookSubscription,
)
from dispatch.hours.models import TimesheetVersion
from dispatch.models import (
    Branch,
    Client,
    ClientBlock,
    ClientFavourite,
    Offer,
    Order,
    OrderPattern,
    PatternDay,
    Site,
    User,
)
from dispatch.penalties.batch_models import PayoutBatch, PayoutBatchLine
from dispatch.rates.models import RateCard
from rating.models import PenaltyDispute, PenaltyEvent, Review
from sms.models import InboundSid, Message, TemplateOverride
from workers.applicants import Applicant, ApplicantStep, District
from workers.models import ImportRun, Worker


def purge_branch(session: Session, branch_id: int) -> None:
    """Delete a test branch and everything hanging off it, children first."""
    order_ids = select(Order.id).where(Order.branch_id == branch_id)
    client_ids = select(Client.id).where(Client.branch_id == branch_id)
    worker_ids = select(Worker.id).where(Worker.branch_id == branch_id)
    session.execute(  # a worker's disputes point at their entries and their texts
        delete(PenaltyDispute).where(
            PenaltyDispute.order_id.in_(order_ids) | PenaltyDispute.worker_id.in_(worker_ids)
        )
    )
    session.execute(delete(Message).where(Message.order_id.in_(order_ids)))
    session.execute(delete(Message).where(Message.worker_id.in_(worker_ids)))
    for model in (Review, PenaltyEvent):  # reviews point at ledger entries
        session.execute(
            delete(model).where(model.order_id.in_(order_ids) | model.worker_id.in_(worker_ids))
        )
    session.execute(delete(TimesheetSignoff).where(TimesheetSignoff.branch_id == branch_id))
    session.execute(delete(TimesheetVersion).where(TimesheetVersion.order_id.in_(order_ids)))
    hook_ids = select(WebhookSubscription.id).where(WebhookSubscription.client_id.in_(client_ids))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.subscription_id.in_(hook_ids)))
    session.execute(
        delete(WebhookSubscription).where(WebhookSubscription.client_id.in_(client_ids))
    )
    session.execute(delete(ClientEvent).where(ClientEvent.client_id.in_(client_ids)))
    batch_ids = select(PayoutBatch.id).where(PayoutBatch.branch_id == branch_id)  # issue 21
    session.execute(
        delete(PayoutBatchLine).where(
            PayoutBatchLine.batch_id.in_(batch_ids) | PayoutBatchLine.order_id.in_(order_ids)
        )
    )
    session.execute(delete(PayoutBatch).where(PayoutBatch.branch_id == branch_id))
    session.execute(delete(Offer).where(Offer.order_id.in_(order_ids)))
    session.execute(delete(QualityReview).where(QualityReview.order_id.in_(order_ids)))
    for listed in (ClientBlock, ClientFavourite):  # a client's block list and favourites
        session.execute(
            delete(listed).where(
                listed.client_id.in_(client_ids) | listed.worker_id.in_(worker_ids)
            )
        )
    pattern_ids = select(OrderPattern.id).where(OrderPattern.branch_id == branch_id)
    session.execute(delete(PatternDay).where(PatternDay.pattern_id.in_(pattern_ids)))
    session.execute(delete(OrderPattern).where(OrderPattern.branch_id == branch_id))
    session.execute(
        update(Order).where(Order.branch_id == branch_id).values(created_by=None, repeat_of_id=None)
    )
    session.execute(delete(Order).where(Order.branch_id == branch_id))
    # issue 19: applicants of the branch (their steps cascade), its districts
    user_ids = select(User.id).where(User.branch_id == branch_id)
    session.execute(
        delete(Applicant).where(
            (Applicant.branch_id == branch_id)
            | Applicant.worker_id.in_(worker_ids)
            | Applicant.decided_by.in_(user_ids)
        )
    )
    session.execute(delete(District).where(District.branch_id == branch_id))
    session.execute(delete(Worker).where(Worker.branch_id == branch_id))
    session.execute(delete(Site).where(Site.client_id.in_(client_ids)))
    for kept in (ClientRate, ClientApiKey, User):  # a client's rates, keys and users
        session.execute(delete(kept).where(kept.client_id.in_(client_ids)))
    session.execute(delete(Client).where(Client.branch_id == branch_id))
    session.execute(delete(RateCard).where(RateCard.branch_id == branch_id))  # issue 21
    session.execute(delete(AuditEntry).where(AuditEntry.branch_id == branch_id))
    session.execute(delete(TemplateOverride).where(TemplateOverride.branch_id == branch_id))
    session.execute(delete(ImportRun).where(ImportRun.branch_id == branch_id))
    session.execute(delete(User).where(User.branch_id == branch_id))
    session.execute(delete(Branch).where(Branch.id == branch_id))


def purge_code(session: Session, code: str) -> None:
    """Remove a branch an interrupted earlier run left behind."""
    branch_id = session.scalar(select(Branch.id).where(Branch.code == code))
    if branch_id is not None:
        purge_branch(session, branch_id)


def purge_e2e(code: str, sid_prefix: str) -> None:
    """What an end-to-end test committed: its branch and the inbound SMS it posted."""
    with session_scope() as session:
        # issue 19: a stranger's texts made an applicant: it and the texts it was sent go first
        phones = select(Message.phone).where(Message.provider_sid.like(f"{sid_prefix}%"))
        session.execute(delete(Applicant).where(Applicant.phone.in_(phones)))
        session.execute(
            delete(Message).where(
                Message.phone.in_(phones.scalar_subquery()),
                Message.direction == "out",
                Message.worker_id.is_(None),
                Message.order_id.is_(None),
            )
        )
        posted = select(Message.id).where(Message.provider_sid.like(f"{sid_prefix}%"))
        # a forgotten applicant's phone is gone: their dialogue's steps still name the texts
        talked = select(ApplicantStep.applicant_id).where(ApplicantStep.message_id.in_(posted))
        session.execute(delete(Applicant).where(Applicant.id.in_(talked)))
        session.execute(delete(PenaltyDispute).where(PenaltyDispute.message_id.in_(posted)))
        session.execute(delete(Message).where(Message.provider_sid.like(f"{sid_prefix}%")))
        # their ids too, else a second run posting the same ids would be turned away
        session.execute(delete(InboundSid).where(InboundSid.provider_sid.like(f"{sid_prefix}%")))
        purge_code(session, code)
