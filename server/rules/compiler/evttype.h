// Event-type indexing (spec §2.5): the set of event types a fully expanded
// condition can match, computed like libsinsp's ppm_codes.cpp.
#pragma once

#include "server/rules/condition/ast.h"
#include "server/rules/compiler/event_types.h"

namespace saker::rules {

// and = intersection, or = union, not pushed to the leaves (De Morgan);
// evt.type =/in gives the named set, != or negation the complement;
// evt.num=0 gives the empty set; every other leaf gives all types (also
// under negation). Unknown names are ignored (the compiler rejects them).
// The async event is NOT included (the engine adds it when dispatching).
EventTypeSet ComputeEventTypes(const Node& ast, const EventTypeTable& types);

}  // namespace saker::rules
