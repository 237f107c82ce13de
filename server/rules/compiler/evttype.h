// Event-type indexing (spec §2.5): the set of event types a fully expanded
// condition can match, computed like libsinsp's ppm_codes.cpp.
#pragma once

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "server/rules/compiler/event_types.h"
#include "server/rules/condition/ast.h"

namespace saker::rules {

// and = intersection, or = union, not pushed to the leaves (De Morgan);
// evt.type =/in gives the named set, != or negation the complement;
// evt.num=0 gives the empty set; every other leaf gives all types (also
// under negation). Unknown names are ignored (the compiler rejects them).
// The async event is NOT included (the engine adds it when dispatching).
// Expanded macros (Node::expansion) are computed once per (body, negated)
// when `memo` is given: share it across the rules of a rule set.
using EventTypeMemo = absl::flat_hash_map<std::pair<const Node*, bool>, EventTypeSet>;
EventTypeSet ComputeEventTypes(const Node& ast, const EventTypeTable& types,
                               EventTypeMemo* memo = nullptr);

}  // namespace saker::rules
