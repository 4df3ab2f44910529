namespace AssessmentEngine.ItemBank;

/// <summary>What one blueprint section lacks to be served on every occasion without repeating an item.</summary>
public sealed record SectionShortfall(int Section, BlueprintSection Definition, int Needed, int Available, int Eligible, bool InMarks)
{
    public string Describe(Blueprint blueprint)
    {
        var unit = InMarks ? "marks" : "items";
        var types = Definition.Types is { } list ? " of type " + string.Join("/", list.Select(ItemParser.Name)) : "";
        var perForm = InMarks ? $"{Definition.Marks} marks" : $"{Definition.Items} item(s)";
        var why = Available < Eligible
            ? $"{Eligible} {unit} are eligible, but the other sections need some of them"
            : $"the bank has only {Eligible} eligible {unit} (current, outcome {Definition.Outcome}{types})";
        return $"blueprint '{blueprint.Id}' cannot be served on {blueprint.Occasions} occasion(s) without repeating an item: " +
               $"section {Section} (outcome {Definition.Outcome}, {perForm}{types}) needs {Needed} {unit} and can get {Available}; {why}";
    }
}

/// <summary>
/// Whether a bank can serve a blueprint on its number of occasions with no item repeated. An item serves at most one
/// section, so sections are checked jointly: eligible items are assigned to section slots × occasions by augmenting
/// paths (a maximum bipartite b-matching), which finds an assignment whenever one exists.
/// </summary>
public static class Feasibility
{
    public static IReadOnlyList<SectionShortfall> Check(Unit unit, Blueprint blueprint, DateOnly today)
    {
        var current = unit.Items.Where(item => item.IsCurrentOn(today)).ToList();
        var sections = blueprint.Sections;
        var eligible = sections.Select(section => current.Where(item => section.Accepts(item, unit)).ToList()).ToList();

        // Slots per section. A marks section needs items whose marks add up to marks × occasions; it is given as many
        // slots as the fewest eligible items that could reach that (largest first), and its marks are checked after.
        var capacity = sections.Select((section, k) => section.Items is { } items
            ? items * blueprint.Occasions
            : SlotsForMarks(eligible[k], section.Marks!.Value * blueprint.Occasions)).ToArray();

        var index = current.Select((item, i) => (item, i)).ToDictionary(entry => entry.item, entry => entry.i);
        var sectionsOf = new List<int>[current.Count];
        for (var i = 0; i < current.Count; i++)
        {
            sectionsOf[i] = [];
        }

        for (var k = 0; k < sections.Count; k++)
        {
            foreach (var item in eligible[k])
            {
                sectionsOf[index[item]].Add(k);
            }
        }

        var matching = new Matching(sectionsOf, capacity);
        // Scarcest first: items that fit one section only are placed before flexible ones (augmenting paths fix the rest);
        // among those, the most marks first, since a marks section is given only as many slots as its largest items need.
        foreach (var i in Enumerable.Range(0, current.Count).Where(i => sectionsOf[i].Count > 0).OrderBy(i => sectionsOf[i].Count).ThenByDescending(i => current[i].Marks).ThenBy(i => current[i].Id, StringComparer.Ordinal))
        {
            if (matching.Full)
            {
                break;
            }

            matching.Place(i);
        }

        var shortfalls = new List<SectionShortfall>();
        for (var k = 0; k < sections.Count; k++)
        {
            var section = sections[k];
            if (section.Items is not null)
            {
                var got = matching.Assigned[k].Count;
                if (got < capacity[k])
                {
                    shortfalls.Add(new SectionShortfall(k + 1, section, capacity[k], got, eligible[k].Count, InMarks: false));
                }
            }
            else
            {
                var needed = section.Marks!.Value * blueprint.Occasions;
                var got = matching.Assigned[k].Sum(i => current[i].Marks);
                if (got < needed)
                {
                    shortfalls.Add(new SectionShortfall(k + 1, section, needed, got, eligible[k].Sum(item => item.Marks), InMarks: true));
                }
            }
        }

        return shortfalls;
    }

    private static int SlotsForMarks(List<Item> eligible, int marks)
    {
        var total = 0;
        var slots = 0;
        foreach (var item in eligible.OrderByDescending(item => item.Marks))
        {
            if (total >= marks)
            {
                break;
            }

            total += item.Marks;
            slots++;
        }

        return Math.Max(slots, 1);
    }

    private sealed class Matching(List<int>[] sectionsOf, int[] capacity)
    {
        private readonly int _demand = capacity.Sum();
        private readonly int[] _assignedTo = Enumerable.Repeat(-1, sectionsOf.Length).ToArray();
        private int _placed;

        public List<int>[] Assigned { get; } = capacity.Select(_ => new List<int>()).ToArray();

        public bool Full => _placed >= _demand;

        public void Place(int item)
        {
            if (Augment(item, new bool[capacity.Length]))
            {
                _placed++;
            }
        }

        private bool Augment(int item, bool[] visited)
        {
            foreach (var k in sectionsOf[item])
            {
                if (visited[k])
                {
                    continue;
                }

                visited[k] = true;
                if (Assigned[k].Count < capacity[k])
                {
                    Move(item, k);
                    return true;
                }

                foreach (var other in Assigned[k].ToArray())
                {
                    if (Augment(other, visited))
                    {
                        Move(item, k);
                        return true;
                    }
                }
            }

            return false;
        }

        private void Move(int item, int section)
        {
            if (_assignedTo[item] >= 0)
            {
                Assigned[_assignedTo[item]].Remove(item);
            }

            _assignedTo[item] = section;
            Assigned[section].Add(item);
        }
    }
}
