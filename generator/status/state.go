package status

// State is the condition of a (region, service) pair. The order of the
// constants is the severity order, so the worse of two states is the larger.
type State int

const (
	Operational State = iota
	Maintenance
	Degraded
	PartialOutage
	MajorOutage
)

// StateNames are the states as posts write them, in severity order.
var StateNames = []string{"operational", "maintenance", "degraded", "partial_outage", "major_outage"}

func (s State) String() string { return StateNames[s] }

// ParseState reads a state as posts write it.
func ParseState(s string) (State, bool) {
	for i, n := range StateNames {
		if n == s {
			return State(i), true
		}
	}
	return 0, false
}

// Stage is where an incident's handling stands, as its posts tell.
type Stage int

const (
	Investigating Stage = iota
	Identified
	Monitoring
	Resolved
)

// StageNames are the stages as posts write them, in order.
var StageNames = []string{"investigating", "identified", "monitoring", "resolved"}

func (s Stage) String() string { return StageNames[s] }

// ParseStage reads a stage as posts write it.
func ParseStage(s string) (Stage, bool) {
	for i, n := range StageNames {
		if n == s {
			return Stage(i), true
		}
	}
	return 0, false
}
