package generator

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

var stateNames = []string{"operational", "maintenance", "degraded", "partial_outage", "major_outage"}

func (s State) String() string { return stateNames[s] }

func parseState(s string) (State, bool) {
	for i, n := range stateNames {
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

var stageNames = []string{"investigating", "identified", "monitoring", "resolved"}

func (s Stage) String() string { return stageNames[s] }

func parseStage(s string) (Stage, bool) {
	for i, n := range stageNames {
		if n == s {
			return Stage(i), true
		}
	}
	return 0, false
}
