// Package flows will hold flow definitions, their compiler and the runtime:
// instances, tasks, routing, actions and timers (see DESIGN.md, Flows). It is
// built by the flow-engine issue; until then it holds no code.
package flows
