""" Contains all the data models used in inputs/outputs """

from .alert_incident import AlertIncident
from .alert_incident_envelope import AlertIncidentEnvelope
from .alert_incident_list import AlertIncidentList
from .alert_rule import AlertRule
from .alert_rule_create import AlertRuleCreate
from .alert_rule_envelope import AlertRuleEnvelope
from .alert_rule_list import AlertRuleList
from .alert_rule_update import AlertRuleUpdate
from .api_key_create import ApiKeyCreate
from .api_key_created import ApiKeyCreated
from .api_key_created_envelope import ApiKeyCreatedEnvelope
from .api_key_envelope import ApiKeyEnvelope
from .api_key_list import ApiKeyList
from .api_key_out import ApiKeyOut
from .api_key_rotate import ApiKeyRotate
from .api_key_update import ApiKeyUpdate
from .api_usage import ApiUsage
from .api_usage_endpoint import ApiUsageEndpoint
from .api_usage_envelope import ApiUsageEnvelope
from .api_usage_key import ApiUsageKey
from .api_usage_log import ApiUsageLog
from .api_usage_logged import ApiUsageLogged
from .api_usage_logged_envelope import ApiUsageLoggedEnvelope
from .api_usage_point import ApiUsagePoint
from .api_usage_summary import ApiUsageSummary
from .app_charge_envelope import AppChargeEnvelope
from .app_charge_list import AppChargeList
from .app_charge_out import AppChargeOut
from .app_charge_payment_out import AppChargePaymentOut
from .browse_marketplace_category import BrowseMarketplaceCategory
from .browse_marketplace_is_verified import BrowseMarketplaceIsVerified
from .browse_marketplace_pricing_model import BrowseMarketplacePricingModel
from .browse_marketplace_sort_by import BrowseMarketplaceSortBy
from .browse_marketplace_sort_order import BrowseMarketplaceSortOrder
from .bucket import Bucket
from .cap_details import CapDetails
from .cap_exceeded import CapExceeded
from .customer import Customer
from .customer_create import CustomerCreate
from .customer_envelope import CustomerEnvelope
from .customer_list import CustomerList
from .customer_update import CustomerUpdate
from .deleted import Deleted
from .deleted_alert_rule import DeletedAlertRule
from .deleted_alert_rule_envelope import DeletedAlertRuleEnvelope
from .deleted_envelope import DeletedEnvelope
from .deleted_flow import DeletedFlow
from .deleted_flow_envelope import DeletedFlowEnvelope
from .deleted_flow_file import DeletedFlowFile
from .deleted_flow_file_envelope import DeletedFlowFileEnvelope
from .deleted_flow_secret import DeletedFlowSecret
from .deleted_flow_secret_envelope import DeletedFlowSecretEnvelope
from .deleted_webhook import DeletedWebhook
from .deleted_webhook_envelope import DeletedWebhookEnvelope
from .delivery_attempt import DeliveryAttempt
from .delivery_attempt_request_headers import DeliveryAttemptRequestHeaders
from .delivery_attempt_response_headers_type_0 import DeliveryAttemptResponseHeadersType0
from .delivery_detail import DeliveryDetail
from .delivery_detail_envelope import DeliveryDetailEnvelope
from .delivery_detail_payload import DeliveryDetailPayload
from .delivery_envelope import DeliveryEnvelope
from .delivery_list import DeliveryList
from .delivery_out import DeliveryOut
from .developer_info import DeveloperInfo
from .dry_run import DryRun
from .dry_run_envelope import DryRunEnvelope
from .dry_run_error import DryRunError
from .dry_run_request import DryRunRequest
from .dry_run_request_payload_type_0 import DryRunRequestPayloadType0
from .durations import Durations
from .error import Error
from .error_details_type_2_item import ErrorDetailsType2Item
from .event_catalog_envelope import EventCatalogEnvelope
from .event_type_out import EventTypeOut
from .event_type_out_example import EventTypeOutExample
from .event_type_out_schema import EventTypeOutSchema
from .facet_count import FacetCount
from .facets import Facets
from .field_issue import FieldIssue
from .flow import Flow
from .flow_actor import FlowActor
from .flow_configuration import FlowConfiguration
from .flow_create import FlowCreate
from .flow_create_configuration_type_0 import FlowCreateConfigurationType0
from .flow_create_settings_type_0 import FlowCreateSettingsType0
from .flow_envelope import FlowEnvelope
from .flow_file import FlowFile
from .flow_file_envelope import FlowFileEnvelope
from .flow_file_list import FlowFileList
from .flow_file_upload import FlowFileUpload
from .flow_list import FlowList
from .flow_run import FlowRun
from .flow_run_envelope import FlowRunEnvelope
from .flow_run_list import FlowRunList
from .flow_run_step import FlowRunStep
from .flow_secret import FlowSecret
from .flow_secret_envelope import FlowSecretEnvelope
from .flow_secret_list import FlowSecretList
from .flow_secret_set import FlowSecretSet
from .flow_stats import FlowStats
from .flow_stats_envelope import FlowStatsEnvelope
from .flow_template import FlowTemplate
from .flow_template_configuration import FlowTemplateConfiguration
from .flow_template_envelope import FlowTemplateEnvelope
from .flow_template_list import FlowTemplateList
from .flow_template_summary import FlowTemplateSummary
from .flow_update import FlowUpdate
from .flow_update_configuration_type_0 import FlowUpdateConfigurationType0
from .flow_version import FlowVersion
from .flow_version_configuration import FlowVersionConfiguration
from .flow_version_envelope import FlowVersionEnvelope
from .flow_version_list import FlowVersionList
from .flow_webhook import FlowWebhook
from .flow_webhook_envelope import FlowWebhookEnvelope
from .get_import_export_status_type_0 import GetImportExportStatusType0
from .get_import_export_type_type_0 import GetImportExportTypeType0
from .import_options import ImportOptions
from .inbound_event_list import InboundEventList
from .inbound_event_out import InboundEventOut
from .inbound_event_out_payload import InboundEventOutPayload
from .inbound_event_out_result_type_0 import InboundEventOutResultType0
from .inbound_secret_rotate import InboundSecretRotate
from .inbound_source_create import InboundSourceCreate
from .inbound_source_created import InboundSourceCreated
from .inbound_source_created_envelope import InboundSourceCreatedEnvelope
from .inbound_source_envelope import InboundSourceEnvelope
from .inbound_source_list import InboundSourceList
from .inbound_source_out import InboundSourceOut
from .item import Item
from .item_create import ItemCreate
from .item_create_specifications import ItemCreateSpecifications
from .item_envelope import ItemEnvelope
from .item_list import ItemList
from .item_specifications import ItemSpecifications
from .item_update import ItemUpdate
from .item_update_specifications_type_0 import ItemUpdateSpecificationsType0
from .job import Job
from .job_data_type import JobDataType
from .job_envelope import JobEnvelope
from .job_filters_type_0 import JobFiltersType0
from .job_format import JobFormat
from .job_list import JobList
from .job_mapping_type_0 import JobMappingType0
from .job_options import JobOptions
from .job_result import JobResult
from .job_started import JobStarted
from .job_started_envelope import JobStartedEnvelope
from .job_status import JobStatus
from .job_type import JobType
from .last_failure import LastFailure
from .last_run import LastRun
from .list_webhook_templates_category_type_0 import ListWebhookTemplatesCategoryType0
from .listing_version import ListingVersion
from .mapping_rule import MappingRule
from .marked_read import MarkedRead
from .marked_read_envelope import MarkedReadEnvelope
from .marketplace_list import MarketplaceList
from .marketplace_listing import MarketplaceListing
from .marketplace_listing_detail import MarketplaceListingDetail
from .marketplace_listing_envelope import MarketplaceListingEnvelope
from .notification import Notification
from .notification_envelope import NotificationEnvelope
from .notification_list import NotificationList
from .notification_source import NotificationSource
from .order import Order
from .order_create import OrderCreate
from .order_envelope import OrderEnvelope
from .order_line import OrderLine
from .order_line_in import OrderLineIn
from .order_list import OrderList
from .order_update import OrderUpdate
from .pagination import Pagination
from .payload_report import PayloadReport
from .payload_report_envelope import PayloadReportEnvelope
from .pinned_input import PinnedInput
from .pinned_input_steps_type_0 import PinnedInputStepsType0
from .preview import Preview
from .preview_envelope import PreviewEnvelope
from .preview_mapping_type_0 import PreviewMappingType0
from .preview_rows_item import PreviewRowsItem
from .preview_suggested_mapping import PreviewSuggestedMapping
from .pricing import Pricing
from .pricing_detail import PricingDetail
from .rating_counts import RatingCounts
from .receive_webhook_body import ReceiveWebhookBody
from .receive_webhook_body_data import ReceiveWebhookBodyData
from .received_envelope import ReceivedEnvelope
from .received_out import ReceivedOut
from .recover_envelope import RecoverEnvelope
from .recover_request import RecoverRequest
from .recover_result import RecoverResult
from .refresh_request import RefreshRequest
from .render_in import RenderIn
from .render_in_variables import RenderInVariables
from .rendered_envelope import RenderedEnvelope
from .rendered_request import RenderedRequest
from .rendered_request_headers import RenderedRequestHeaders
from .rendered_request_payload import RenderedRequestPayload
from .report_create import ReportCreate
from .report_envelope import ReportEnvelope
from .report_out import ReportOut
from .review_envelope import ReviewEnvelope
from .review_list import ReviewList
from .review_out import ReviewOut
from .review_reply import ReviewReply
from .review_write import ReviewWrite
from .ring_size import RingSize
from .ring_size_in import RingSizeIn
from .row_error import RowError
from .row_error_errors_item import RowErrorErrorsItem
from .row_error_list import RowErrorList
from .row_error_values import RowErrorValues
from .run_again import RunAgain
from .run_again_mapping_type_0 import RunAgainMappingType0
from .run_counts import RunCounts
from .run_request import RunRequest
from .run_request_payload_type_0 import RunRequestPayloadType0
from .run_started import RunStarted
from .run_started_envelope import RunStartedEnvelope
from .scope_text import ScopeText
from .screenshot import Screenshot
from .secret_rotate import SecretRotate
from .signature_envelope import SignatureEnvelope
from .signature_in import SignatureIn
from .signature_out import SignatureOut
from .signature_out_headers import SignatureOutHeaders
from .start_import_export_action import StartImportExportAction
from .start_import_export_files_body import StartImportExportFilesBody
from .start_import_export_files_body_format import StartImportExportFilesBodyFormat
from .start_import_export_files_body_type import StartImportExportFilesBodyType
from .start_import_export_json_export_request import StartImportExportJsonExportRequest
from .start_import_export_json_export_request_export_options import StartImportExportJsonExportRequestExportOptions
from .start_import_export_json_export_request_filters_type_0 import StartImportExportJsonExportRequestFiltersType0
from .start_import_export_json_export_request_format import StartImportExportJsonExportRequestFormat
from .start_import_export_json_export_request_type import StartImportExportJsonExportRequestType
from .start_import_export_json_import_request import StartImportExportJsonImportRequest
from .start_import_export_json_import_request_format import StartImportExportJsonImportRequestFormat
from .start_import_export_json_import_request_import_options import StartImportExportJsonImportRequestImportOptions
from .start_import_export_json_import_request_mapping_type_0 import StartImportExportJsonImportRequestMappingType0
from .start_import_export_json_import_request_mapping_type_0_mapping_rule import StartImportExportJsonImportRequestMappingType0MappingRule
from .start_import_export_json_import_request_type import StartImportExportJsonImportRequestType
from .step_error import StepError
from .step_result import StepResult
from .step_test import StepTest
from .step_test_envelope import StepTestEnvelope
from .step_test_request import StepTestRequest
from .template_list_envelope import TemplateListEnvelope
from .template_request import TemplateRequest
from .template_request_headers import TemplateRequestHeaders
from .template_request_payload import TemplateRequestPayload
from .template_setting import TemplateSetting
from .template_variable import TemplateVariable
from .token_envelope import TokenEnvelope
from .token_request import TokenRequest
from .tokens import Tokens
from .unread_count import UnreadCount
from .unread_count_envelope import UnreadCountEnvelope
from .usage_create import UsageCreate
from .usage_envelope import UsageEnvelope
from .usage_list import UsageList
from .usage_out import UsageOut
from .usage_summary import UsageSummary
from .validate_in import ValidateIn
from .verify_check import VerifyCheck
from .verify_envelope import VerifyEnvelope
from .verify_in import VerifyIn
from .verify_in_headers import VerifyInHeaders
from .verify_out import VerifyOut
from .webhook_create import WebhookCreate
from .webhook_envelope import WebhookEnvelope
from .webhook_list import WebhookList
from .webhook_out import WebhookOut
from .webhook_secret_envelope import WebhookSecretEnvelope
from .webhook_stats import WebhookStats
from .webhook_template import WebhookTemplate
from .webhook_test_attempt import WebhookTestAttempt
from .webhook_test_envelope import WebhookTestEnvelope
from .webhook_test_in import WebhookTestIn
from .webhook_test_in_headers import WebhookTestInHeaders
from .webhook_test_result import WebhookTestResult
from .webhook_test_result_request_headers import WebhookTestResultRequestHeaders
from .webhook_update import WebhookUpdate
from .webhook_with_secret import WebhookWithSecret

__all__ = (
    "AlertIncident",
    "AlertIncidentEnvelope",
    "AlertIncidentList",
    "AlertRule",
    "AlertRuleCreate",
    "AlertRuleEnvelope",
    "AlertRuleList",
    "AlertRuleUpdate",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyCreatedEnvelope",
    "ApiKeyEnvelope",
    "ApiKeyList",
    "ApiKeyOut",
    "ApiKeyRotate",
    "ApiKeyUpdate",
    "ApiUsage",
    "ApiUsageEndpoint",
    "ApiUsageEnvelope",
    "ApiUsageKey",
    "ApiUsageLog",
    "ApiUsageLogged",
    "ApiUsageLoggedEnvelope",
    "ApiUsagePoint",
    "ApiUsageSummary",
    "AppChargeEnvelope",
    "AppChargeList",
    "AppChargeOut",
    "AppChargePaymentOut",
    "BrowseMarketplaceCategory",
    "BrowseMarketplaceIsVerified",
    "BrowseMarketplacePricingModel",
    "BrowseMarketplaceSortBy",
    "BrowseMarketplaceSortOrder",
    "Bucket",
    "CapDetails",
    "CapExceeded",
    "Customer",
    "CustomerCreate",
    "CustomerEnvelope",
    "CustomerList",
    "CustomerUpdate",
    "Deleted",
    "DeletedAlertRule",
    "DeletedAlertRuleEnvelope",
    "DeletedEnvelope",
    "DeletedFlow",
    "DeletedFlowEnvelope",
    "DeletedFlowFile",
    "DeletedFlowFileEnvelope",
    "DeletedFlowSecret",
    "DeletedFlowSecretEnvelope",
    "DeletedWebhook",
    "DeletedWebhookEnvelope",
    "DeliveryAttempt",
    "DeliveryAttemptRequestHeaders",
    "DeliveryAttemptResponseHeadersType0",
    "DeliveryDetail",
    "DeliveryDetailEnvelope",
    "DeliveryDetailPayload",
    "DeliveryEnvelope",
    "DeliveryList",
    "DeliveryOut",
    "DeveloperInfo",
    "DryRun",
    "DryRunEnvelope",
    "DryRunError",
    "DryRunRequest",
    "DryRunRequestPayloadType0",
    "Durations",
    "Error",
    "ErrorDetailsType2Item",
    "EventCatalogEnvelope",
    "EventTypeOut",
    "EventTypeOutExample",
    "EventTypeOutSchema",
    "FacetCount",
    "Facets",
    "FieldIssue",
    "Flow",
    "FlowActor",
    "FlowConfiguration",
    "FlowCreate",
    "FlowCreateConfigurationType0",
    "FlowCreateSettingsType0",
    "FlowEnvelope",
    "FlowFile",
    "FlowFileEnvelope",
    "FlowFileList",
    "FlowFileUpload",
    "FlowList",
    "FlowRun",
    "FlowRunEnvelope",
    "FlowRunList",
    "FlowRunStep",
    "FlowSecret",
    "FlowSecretEnvelope",
    "FlowSecretList",
    "FlowSecretSet",
    "FlowStats",
    "FlowStatsEnvelope",
    "FlowTemplate",
    "FlowTemplateConfiguration",
    "FlowTemplateEnvelope",
    "FlowTemplateList",
    "FlowTemplateSummary",
    "FlowUpdate",
    "FlowUpdateConfigurationType0",
    "FlowVersion",
    "FlowVersionConfiguration",
    "FlowVersionEnvelope",
    "FlowVersionList",
    "FlowWebhook",
    "FlowWebhookEnvelope",
    "GetImportExportStatusType0",
    "GetImportExportTypeType0",
    "ImportOptions",
    "InboundEventList",
    "InboundEventOut",
    "InboundEventOutPayload",
    "InboundEventOutResultType0",
    "InboundSecretRotate",
    "InboundSourceCreate",
    "InboundSourceCreated",
    "InboundSourceCreatedEnvelope",
    "InboundSourceEnvelope",
    "InboundSourceList",
    "InboundSourceOut",
    "Item",
    "ItemCreate",
    "ItemCreateSpecifications",
    "ItemEnvelope",
    "ItemList",
    "ItemSpecifications",
    "ItemUpdate",
    "ItemUpdateSpecificationsType0",
    "Job",
    "JobDataType",
    "JobEnvelope",
    "JobFiltersType0",
    "JobFormat",
    "JobList",
    "JobMappingType0",
    "JobOptions",
    "JobResult",
    "JobStarted",
    "JobStartedEnvelope",
    "JobStatus",
    "JobType",
    "LastFailure",
    "LastRun",
    "ListingVersion",
    "ListWebhookTemplatesCategoryType0",
    "MappingRule",
    "MarkedRead",
    "MarkedReadEnvelope",
    "MarketplaceList",
    "MarketplaceListing",
    "MarketplaceListingDetail",
    "MarketplaceListingEnvelope",
    "Notification",
    "NotificationEnvelope",
    "NotificationList",
    "NotificationSource",
    "Order",
    "OrderCreate",
    "OrderEnvelope",
    "OrderLine",
    "OrderLineIn",
    "OrderList",
    "OrderUpdate",
    "Pagination",
    "PayloadReport",
    "PayloadReportEnvelope",
    "PinnedInput",
    "PinnedInputStepsType0",
    "Preview",
    "PreviewEnvelope",
    "PreviewMappingType0",
    "PreviewRowsItem",
    "PreviewSuggestedMapping",
    "Pricing",
    "PricingDetail",
    "RatingCounts",
    "ReceivedEnvelope",
    "ReceivedOut",
    "ReceiveWebhookBody",
    "ReceiveWebhookBodyData",
    "RecoverEnvelope",
    "RecoverRequest",
    "RecoverResult",
    "RefreshRequest",
    "RenderedEnvelope",
    "RenderedRequest",
    "RenderedRequestHeaders",
    "RenderedRequestPayload",
    "RenderIn",
    "RenderInVariables",
    "ReportCreate",
    "ReportEnvelope",
    "ReportOut",
    "ReviewEnvelope",
    "ReviewList",
    "ReviewOut",
    "ReviewReply",
    "ReviewWrite",
    "RingSize",
    "RingSizeIn",
    "RowError",
    "RowErrorErrorsItem",
    "RowErrorList",
    "RowErrorValues",
    "RunAgain",
    "RunAgainMappingType0",
    "RunCounts",
    "RunRequest",
    "RunRequestPayloadType0",
    "RunStarted",
    "RunStartedEnvelope",
    "ScopeText",
    "Screenshot",
    "SecretRotate",
    "SignatureEnvelope",
    "SignatureIn",
    "SignatureOut",
    "SignatureOutHeaders",
    "StartImportExportAction",
    "StartImportExportFilesBody",
    "StartImportExportFilesBodyFormat",
    "StartImportExportFilesBodyType",
    "StartImportExportJsonExportRequest",
    "StartImportExportJsonExportRequestExportOptions",
    "StartImportExportJsonExportRequestFiltersType0",
    "StartImportExportJsonExportRequestFormat",
    "StartImportExportJsonExportRequestType",
    "StartImportExportJsonImportRequest",
    "StartImportExportJsonImportRequestFormat",
    "StartImportExportJsonImportRequestImportOptions",
    "StartImportExportJsonImportRequestMappingType0",
    "StartImportExportJsonImportRequestMappingType0MappingRule",
    "StartImportExportJsonImportRequestType",
    "StepError",
    "StepResult",
    "StepTest",
    "StepTestEnvelope",
    "StepTestRequest",
    "TemplateListEnvelope",
    "TemplateRequest",
    "TemplateRequestHeaders",
    "TemplateRequestPayload",
    "TemplateSetting",
    "TemplateVariable",
    "TokenEnvelope",
    "TokenRequest",
    "Tokens",
    "UnreadCount",
    "UnreadCountEnvelope",
    "UsageCreate",
    "UsageEnvelope",
    "UsageList",
    "UsageOut",
    "UsageSummary",
    "ValidateIn",
    "VerifyCheck",
    "VerifyEnvelope",
    "VerifyIn",
    "VerifyInHeaders",
    "VerifyOut",
    "WebhookCreate",
    "WebhookEnvelope",
    "WebhookList",
    "WebhookOut",
    "WebhookSecretEnvelope",
    "WebhookStats",
    "WebhookTemplate",
    "WebhookTestAttempt",
    "WebhookTestEnvelope",
    "WebhookTestIn",
    "WebhookTestInHeaders",
    "WebhookTestResult",
    "WebhookTestResultRequestHeaders",
    "WebhookUpdate",
    "WebhookWithSecret",
)
