from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.bucket import Bucket
  from ..models.durations import Durations
  from ..models.last_failure import LastFailure
  from ..models.last_run import LastRun
  from ..models.run_counts import RunCounts





T = TypeVar("T", bound="FlowStats")



@_attrs_define
class FlowStats:
    """ 
        Attributes:
            alert_after_failures (int):
            bucket (str):
            duration_ms (Durations):
            failure_streak (int):
            flow_id (UUID):
            from_ (datetime.datetime):
            last_failure (LastFailure | None):
            last_run (LastRun | None):
            pause_after_failures (int):
            paused_at (datetime.datetime | None):
            paused_reason (None | str):
            runs (RunCounts):
            success_rate (float | None):
            timeline (list[Bucket]):
            to (datetime.datetime):
            window (str):
     """

    alert_after_failures: int
    bucket: str
    duration_ms: Durations
    failure_streak: int
    flow_id: UUID
    from_: datetime.datetime
    last_failure: LastFailure | None
    last_run: LastRun | None
    pause_after_failures: int
    paused_at: datetime.datetime | None
    paused_reason: None | str
    runs: RunCounts
    success_rate: float | None
    timeline: list[Bucket]
    to: datetime.datetime
    window: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.bucket import Bucket # noqa: PLC0415
        from ..models.durations import Durations # noqa: PLC0415
        from ..models.last_failure import LastFailure # noqa: PLC0415
        from ..models.last_run import LastRun # noqa: PLC0415
        from ..models.run_counts import RunCounts # noqa: PLC0415
        alert_after_failures = self.alert_after_failures

        bucket = self.bucket

        duration_ms = self.duration_ms.to_dict()

        failure_streak = self.failure_streak

        flow_id = str(self.flow_id)

        from_ = self.from_.isoformat()

        last_failure: dict[str, Any] | None
        if isinstance(self.last_failure, LastFailure):
            last_failure = self.last_failure.to_dict()
        else:
            last_failure = self.last_failure

        last_run: dict[str, Any] | None
        if isinstance(self.last_run, LastRun):
            last_run = self.last_run.to_dict()
        else:
            last_run = self.last_run

        pause_after_failures = self.pause_after_failures

        paused_at: None | str
        if isinstance(self.paused_at, datetime.datetime):
            paused_at = self.paused_at.isoformat()
        else:
            paused_at = self.paused_at

        paused_reason: None | str
        paused_reason = self.paused_reason

        runs = self.runs.to_dict()

        success_rate: float | None
        success_rate = self.success_rate

        timeline = []
        for timeline_item_data in self.timeline:
            timeline_item = timeline_item_data.to_dict()
            timeline.append(timeline_item)



        to = self.to.isoformat()

        window = self.window


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "alertAfterFailures": alert_after_failures,
            "bucket": bucket,
            "duration_ms": duration_ms,
            "failure_streak": failure_streak,
            "flow_id": flow_id,
            "from": from_,
            "last_failure": last_failure,
            "last_run": last_run,
            "pauseAfterFailures": pause_after_failures,
            "pausedAt": paused_at,
            "pausedReason": paused_reason,
            "runs": runs,
            "success_rate": success_rate,
            "timeline": timeline,
            "to": to,
            "window": window,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bucket import Bucket # noqa: PLC0415
        from ..models.durations import Durations # noqa: PLC0415
        from ..models.last_failure import LastFailure # noqa: PLC0415
        from ..models.last_run import LastRun # noqa: PLC0415
        from ..models.run_counts import RunCounts # noqa: PLC0415
        d = dict(src_dict)
        alert_after_failures = d.pop("alertAfterFailures")

        bucket = d.pop("bucket")

        duration_ms = Durations.from_dict(d.pop("duration_ms"))




        failure_streak = d.pop("failure_streak")

        flow_id = UUID(d.pop("flow_id"))




        from_ = datetime.datetime.fromisoformat(d.pop("from"))




        def _parse_last_failure(data: object) -> LastFailure | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_failure_type_0 = LastFailure.from_dict(data)



                return last_failure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastFailure | None, data)

        last_failure = _parse_last_failure(d.pop("last_failure"))


        def _parse_last_run(data: object) -> LastRun | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_run_type_0 = LastRun.from_dict(data)



                return last_run_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LastRun | None, data)

        last_run = _parse_last_run(d.pop("last_run"))


        pause_after_failures = d.pop("pauseAfterFailures")

        def _parse_paused_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paused_at_type_0 = datetime.datetime.fromisoformat(data)



                return paused_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        paused_at = _parse_paused_at(d.pop("pausedAt"))


        def _parse_paused_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        paused_reason = _parse_paused_reason(d.pop("pausedReason"))


        runs = RunCounts.from_dict(d.pop("runs"))




        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))


        timeline = []
        _timeline = d.pop("timeline")
        for timeline_item_data in (_timeline):
            timeline_item = Bucket.from_dict(timeline_item_data)



            timeline.append(timeline_item)


        to = datetime.datetime.fromisoformat(d.pop("to"))




        window = d.pop("window")

        flow_stats = cls(
            alert_after_failures=alert_after_failures,
            bucket=bucket,
            duration_ms=duration_ms,
            failure_streak=failure_streak,
            flow_id=flow_id,
            from_=from_,
            last_failure=last_failure,
            last_run=last_run,
            pause_after_failures=pause_after_failures,
            paused_at=paused_at,
            paused_reason=paused_reason,
            runs=runs,
            success_rate=success_rate,
            timeline=timeline,
            to=to,
            window=window,
        )


        flow_stats.additional_properties = d
        return flow_stats

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
