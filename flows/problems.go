package flows

// Problem codes of flow definitions. They are stable: the studio translates
// them and tests match them instead of messages. Problems that are not
// specific to flows use the forms codes (forms.CodeInvalidKey,
// forms.CodeInvalidSetting, forms.CodeUnknownTarget,
// forms.CodeUnknownFieldRef, forms.CodeInvalidExpr, forms.CodeNotAnOption).
const (
	// CodeTooManyNodes means the flow has more nodes than MaxNodes.
	CodeTooManyNodes = "flow_too_many_nodes"
	// CodeDuplicateNode means two nodes share an id.
	CodeDuplicateNode = "flow_duplicate_node"
	// CodeUnknownNode means a reference (next, a branch, a target, on_reject,
	// decisions.<id>) names no node of the flow, or no approval node.
	CodeUnknownNode = "flow_unknown_node"
	// CodeMissingStart means the flow has no start node.
	CodeMissingStart = "flow_missing_start"
	// CodeManyStarts means the flow has more than one start node.
	CodeManyStarts = "flow_many_starts"
	// CodeMissingEnd means the flow has no end node.
	CodeMissingEnd = "flow_missing_end"
	// CodeMissingSetting means a node lacks a setting its type needs (the
	// next node of an approval, the branches of a branch…).
	CodeMissingSetting = "flow_missing_setting"
	// CodeUnreachableNode means no path leads from the start to the node.
	CodeUnreachableNode = "flow_unreachable_node"
	// CodeDeadEnd means no path leads from the node to an end.
	CodeDeadEnd = "flow_dead_end"
	// CodeUnconditionalCycle means nodes lead back to themselves with no
	// branch condition or reject on the way, so an instance would loop.
	CodeUnconditionalCycle = "flow_unconditional_cycle"
	// CodeUnmatchedSplit means the paths a split starts do not all meet at
	// one join.
	CodeUnmatchedSplit = "flow_unmatched_split"
	// CodeUnmatchedJoin means a join closes no split, closes several, or is
	// reached from outside its split's paths.
	CodeUnmatchedJoin = "flow_unmatched_join"
	// CodeJoinArity means a join waits for more paths than its split starts.
	CodeJoinArity = "flow_join_arity"
	// CodeInvalidAssignee means an assignee is malformed (an e-mail that is
	// not one, a manager level out of range…).
	CodeInvalidAssignee = "flow_invalid_assignee"
	// CodeUnknownRole means an assignee names a role that does not exist.
	CodeUnknownRole = "flow_unknown_role"
	// CodeWrongFieldType means a field is referred to where its type does not
	// fit (an assignee field that is not a user field, a wait until a field
	// that is not a date).
	CodeWrongFieldType = "flow_wrong_field_type"
	// CodeEditableNotVisible means a node makes a field editable but not
	// visible.
	CodeEditableNotVisible = "flow_editable_not_visible"
	// CodeMissingRequiredField means a create_record action leaves a
	// required field of the new record without a value.
	CodeMissingRequiredField = "flow_missing_required_field"
	// CodeInvalidURL means a webhook URL is not an http(s) URL.
	CodeInvalidURL = "flow_invalid_url"
	// CodeInvalidDuration means a duration is not like "48h", "2d" or "1h30m".
	CodeInvalidDuration = "flow_invalid_duration"
	// CodeInvalidCron means a schedule is not a 5-field cron expression.
	CodeInvalidCron = "flow_invalid_cron"
	// CodeInvalidTemplate means a message has an unclosed or empty {{ }}.
	CodeInvalidTemplate = "flow_invalid_template"

	// CodeMayHaveNoAssignee (a warning) means an approval or cc node's
	// assignees may resolve to nobody; its tasks then go to the fallback.
	CodeMayHaveNoAssignee = "flow_may_have_no_assignee"
	// CodeNoFallbackAssignee (a warning) means some node may find no
	// assignee and the flow names no fallback_assignee, so its tasks would go
	// to the admins.
	CodeNoFallbackAssignee = "flow_no_fallback_assignee"
)
