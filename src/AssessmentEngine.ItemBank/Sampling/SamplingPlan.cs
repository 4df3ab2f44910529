namespace AssessmentEngine.ItemBank.Sampling;

/// <summary>
/// A blueprint prepared against a bank on a day: the current items, which sections each may serve, their statements.
/// Preparing costs a pass over the bank and a feasibility check; assembling a form from a plan touches only the
/// eligible items, so a sitting prepares once and assembles many. Immutable and safe to share between threads.
/// </summary>
public sealed class SamplingPlan
{
    private readonly Item[] _items;
    private readonly ulong[] _idHash;
    private readonly int[][] _statementsOf;
    private readonly int[][] _sectionsOf;
    private readonly int[][] _enemiesOf;
    private readonly int[][] _sectionStatements;
    private readonly int[][] _eligible;
    private readonly bool _sectionsShareItems;
    private readonly Dictionary<string, int> _itemIndex;
    private readonly Dictionary<string, int> _statementIndex;
    private readonly string[] _statementReferences;

    private SamplingPlan(Unit unit, Blueprint blueprint, DateOnly today)
    {
        Unit = unit;
        Blueprint = blueprint;
        Today = today;
        _items = [.. unit.Items.Where(item => item.IsCurrentOn(today)).OrderBy(item => item.Id, StringComparer.Ordinal)];
        _itemIndex = new Dictionary<string, int>(_items.Length, StringComparer.Ordinal);
        for (var i = 0; i < _items.Length; i++)
        {
            _itemIndex[_items[i].Id] = i;
        }

        _idHash = [.. _items.Select(item => SplitMix.Hash(item.Id))];

        // Enemy items, either way round (lint insists on both, but one side is enough to keep them apart).
        var enemies = _items.Select(_ => new HashSet<int>()).ToArray();
        for (var i = 0; i < _items.Length; i++)
        {
            foreach (var other in _items[i].Excludes)
            {
                if (_itemIndex.TryGetValue(other, out var j))
                {
                    enemies[i].Add(j);
                    enemies[j].Add(i);
                }
            }
        }

        _enemiesOf = [.. enemies.Select(set => set.Order().ToArray())];
        _statementReferences = [.. _items.SelectMany(item => item.Statements).Distinct(StringComparer.Ordinal).Order(NaturalOrder.Comparer)];
        _statementIndex = _statementReferences.Select((reference, s) => (reference, s)).ToDictionary(entry => entry.reference, entry => entry.s, StringComparer.Ordinal);
        _statementsOf = [.. _items.Select(item => item.Statements.Select(reference => _statementIndex[reference]).Distinct().ToArray())];

        // Accepts looks statements up by reference; do it once per item here rather than once per form.
        var outcomeOf = unit.Outcomes.SelectMany(outcome => outcome.Statements).GroupBy(statement => statement.Reference, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().Outcome, StringComparer.Ordinal);
        var sections = blueprint.Sections;
        var sectionsOf = _items.Select(_ => new List<int>()).ToArray();
        var eligible = sections.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < _items.Length; i++)
        {
            var item = _items[i];
            for (var k = 0; k < sections.Count; k++)
            {
                var section = sections[k];
                if ((section.Types is null || section.Types.Contains(item.Type)) &&
                    item.Statements.Any(reference => outcomeOf.TryGetValue(reference, out var outcome) && outcome == section.Outcome))
                {
                    sectionsOf[i].Add(k);
                    eligible[k].Add(i);
                }
            }
        }

        _sectionsOf = [.. sectionsOf.Select(list => list.ToArray())];
        _eligible = [.. eligible.Select(list => list.ToArray())];

        // The statements of each section's outcome that its items can cover: a form should cover every one of them.
        _sectionStatements = [.. sections.Select((section, k) => _eligible[k].SelectMany(i => _items[i].Statements)
            .Where(reference => outcomeOf.TryGetValue(reference, out var outcome) && outcome == section.Outcome)
            .Select(reference => _statementIndex[reference]).Distinct().Order().ToArray())];
        _sectionsShareItems = _sectionsOf.Any(list => list.Length > 1);
        _pools = Pools();
    }

    public Unit Unit { get; }

    public Blueprint Blueprint { get; }

    public DateOnly Today { get; }

    /// <summary>The current items (not past valid_until on <see cref="Today"/>) that some section may draw.</summary>
    public IReadOnlyList<Item> EligibleItems => [.. _items.Where((_, i) => _sectionsOf[i].Length > 0)];

    /// <summary>How many current items each section may draw from (before the other sections take theirs).</summary>
    public IReadOnlyList<int> EligiblePerSection => [.. _eligible.Select(list => list.Length)];

    // The items of each merged pool of sections; see OverlapLowerBound.
    private readonly int[][] _pools;

    /// <summary>Prepares a blueprint; throws <see cref="InfeasibleBlueprintException"/> when not even one form can be assembled.</summary>
    public static SamplingPlan Prepare(Unit unit, Blueprint blueprint, DateOnly today)
    {
        var shortfalls = Feasibility.Check(unit, blueprint with { Occasions = 1 }, today);
        if (shortfalls.Count > 0)
        {
            throw new InfeasibleBlueprintException(blueprint with { Occasions = 1 }, shortfalls);
        }

        return new SamplingPlan(unit, blueprint, today);
    }

    /// <summary>Assembles one candidate's form; <paramref name="sitting"/> holds the forms already given in the same sitting.</summary>
    public Form Assemble(CandidateHistory history, IReadOnlyList<Form> sitting, IReadOnlyDictionary<string, int> exposure, int seed)
    {
        var index = new SittingIndex(_items.Length);
        foreach (var form in sitting)
        {
            index.Add(Indices(form));
        }

        var uses = new int[_items.Length];
        foreach (var (id, count) in exposure)
        {
            if (_itemIndex.TryGetValue(id, out var i))
            {
                uses[i] = count;
            }
        }

        return Assemble(history, index, uses, seed, out _);
    }

    /// <summary>
    /// Assembles the forms of one sitting in candidate order, each one minimising its largest overlap with those before
    /// it. <paramref name="exposure"/> is the uses per item before the sitting; the sitting's own uses are added as it goes.
    /// </summary>
    public SittingForms AssembleSitting(IReadOnlyList<CandidateHistory> candidates, IReadOnlyDictionary<string, int> exposure, int seed)
    {
        var uses = new int[_items.Length];
        foreach (var (id, count) in exposure)
        {
            if (_itemIndex.TryGetValue(id, out var i))
            {
                uses[i] = count;
            }
        }

        return AssembleSitting(candidates, uses, seed);
    }

    internal SittingForms AssembleSitting(IReadOnlyList<CandidateHistory> candidates, int[] uses, int seed)
    {
        var index = new SittingIndex(_items.Length);
        var forms = new Form[candidates.Count];
        var held = new int[_items.Length];
        var largest = 0;
        for (var c = 0; c < candidates.Count; c++)
        {
            forms[c] = Assemble(candidates[c], index, uses, SplitMix.Derive(seed, c), out var chosen);
            largest = Math.Max(largest, index.Add(chosen));
            foreach (var i in chosen)
            {
                uses[i]++;
                held[i]++;
            }
        }

        return new SittingForms(forms, largest, OverlapLowerBound(candidates.Count, held));
    }

    /// <summary>
    /// The least largest-pairwise-overlap any forms as long as these could reach: a pool of n items whose forms hold N
    /// item-uses in all (N = forms × items per form for a count section; a marks section's forms hold as many items as
    /// their marks and statements take); the pairs of forms share at least Σ C(uᵢ, 2) item-uses, least when the uses are
    /// as even as they can be, and the largest pair shares at least the average.
    /// </summary>
    private int OverlapLowerBound(int candidates, int[] held)
    {
        if (candidates < 2)
        {
            return 0;
        }

        long shared = 0;
        foreach (var pool in _pools)
        {
            long total = pool.Sum(i => (long)held[i]);
            long quotient = total / pool.Length, remainder = total % pool.Length;
            shared += (remainder * (quotient + 1) * quotient / 2) + ((pool.Length - remainder) * quotient * (quotient - 1) / 2);
        }

        long pairs = (long)candidates * (candidates - 1) / 2;
        return (int)((shared + pairs - 1) / pairs);
    }

    private int[][] Pools()
    {
        // Sections that share items form one pool; the bound over a merged pool is still a bound (a relaxation).
        var group = Enumerable.Range(0, _eligible.Length).ToArray();
        int Find(int k) => group[k] == k ? k : group[k] = Find(group[k]);
        foreach (var sections in _sectionsOf.Where(list => list.Length > 1))
        {
            foreach (var k in sections.Skip(1))
            {
                group[Find(k)] = Find(sections[0]);
            }
        }

        return [.. Enumerable.Range(0, _eligible.Length).GroupBy(Find)
            .Select(pool => pool.SelectMany(k => _eligible[k]).Distinct().ToArray())
            .Where(pool => pool.Length > 0)];
    }

    private List<int> Indices(Form form) =>
        [.. form.Items.Select(item => _itemIndex.TryGetValue(item.ItemId, out var i) ? i : -1).Where(i => i >= 0)];

    private Form Assemble(CandidateHistory history, SittingIndex sitting, int[] uses, int seed, out List<int> chosen)
    {
        var n = _items.Length;
        var seedHash = SplitMix.Mix((ulong)(uint)seed);

        // Rule 2: unseen items first; among seen ones the least recently seen. 0 = unseen, 1 = seen longest ago, ….
        var seenRank = new byte[n];
        var lastShown = new Dictionary<int, DateTimeOffset>();
        foreach (var shown in history.Shown)
        {
            if (_itemIndex.TryGetValue(shown.ItemId, out var i) && (!lastShown.TryGetValue(i, out var at) || shown.ShownAt > at))
            {
                lastShown[i] = shown.ShownAt;
            }
        }

        var times = lastShown.Values.Distinct().Order().ToList();
        foreach (var (i, at) in lastShown)
        {
            seenRank[i] = (byte)Math.Min(255, 1 + times.BinarySearch(at));
        }

        // The occasions still to come after this one: unseen items of a statement are kept back for them.
        var reserve = Math.Max(0, Blueprint.Occasions - 1 - times.Count);
        var tested = new bool[_statementReferences.Length];
        foreach (var reference in history.TestedStatements)
        {
            if (_statementIndex.TryGetValue(reference, out var s))
            {
                tested[s] = true;
            }
        }

        var taken = new bool[n];
        var chosenPerSection = new List<int>[_eligible.Length];
        var notes = new List<string>();
        var overlap = new int[sitting.FormCount];
        chosen = [];
        for (var k = 0; k < _eligible.Length; k++)
        {
            var picks = FillSection(k, seenRank, tested, taken, sitting, overlap, uses, seedHash, notes, reserve);
            chosenPerSection[k] = picks;
            chosen.AddRange(picks);
        }

        var formItems = new List<FormItem>(chosen.Count);
        for (var k = 0; k < chosenPerSection.Length; k++)
        {
            // Selection order follows exposure; the order shown is random so position says nothing about an item.
            var picks = chosenPerSection[k].OrderBy(i => SplitMix.Mix(seedHash ^ 0x5bd1e995UL, _idHash[i])).ToList();
            formItems.AddRange(picks.Select(i => Present(_items[i], k + 1, SplitMix.Mix(seedHash, _idHash[i]))));
        }

        var reused = chosen.Where(i => seenRank[i] > 0).Select(i => _items[i].Id).Order(StringComparer.Ordinal).ToList();
        var covered = chosen.SelectMany(i => _statementsOf[i]).Distinct().Order().Select(s => _statementReferences[s]).ToList();
        return new Form(Blueprint.Id, seed, formItems, reused, covered, notes);
    }

    private List<int> FillSection(int k, byte[] seenRank, bool[] tested, bool[] taken, SittingIndex sitting, int[] overlap, int[] uses, ulong seedHash, List<string> notes, int reserve)
    {
        var section = Blueprint.Sections[k];
        var pool = _eligible[k].Where(i => !taken[i]).ToArray();

        // Static part of each item's preference, packed so one sort orders them: seen rank (rule 2), untested
        // statements (rule 3), uses in this sitting (rule 4), exposure relative to the least used (rule 5), a random
        // tie-break from the seed. The parts that change as items are picked (spread, pairwise overlap) are added in Pick.
        var leastUsed = pool.Length == 0 ? 0 : pool.Min(i => uses[i]);
        var keys = new ulong[pool.Length];
        for (var p = 0; p < pool.Length; p++)
        {
            var i = pool[p];
            var untested = AddsStatement(i, tested) ? 0UL : 1UL;
            var inSitting = (ulong)Math.Min(sitting.Uses(i), 0xFFF);
            var exposure = (ulong)Math.Min(uses[i] - leastUsed, 0xFFFFF);
            var random = SplitMix.Mix(seedHash, _idHash[i]) & 0x7FFFFF;
            keys[p] = ((ulong)seenRank[i] << 56) | (untested << 55) | (inSitting << 43) | (exposure << 23) | random;
        }

        Array.Sort(keys, pool);
        var covered = new bool[_statementReferences.Length];
        var picks = new List<int>();
        if (section.Items is { } count)
        {
            for (var slot = 0; slot < count; slot++)
            {
                var pick = Pick(k, pool, keys, seenRank, taken, covered, sitting, overlap, marksAllowed: null, picksLeft: count - slot, budget: count - slot, reserve, notes);
                Take(pick, picks, taken, covered, sitting, overlap);
            }

            return picks;
        }

        var marks = section.Marks!.Value;
        var counts = new int[pool.Length == 0 ? 1 : pool.Max(i => _items[i].Marks) + 1];
        foreach (var i in pool)
        {
            counts[_items[i].Marks]++;
        }

        // Rule 1: exactly the marks when some set of the eligible items adds up to them, else the nearest total above.
        // (Earlier sections may have taken what this one needed, when sections share items: then the most it can reach.)
        var reachable = Reachable(counts, pool.Sum(i => _items[i].Marks));
        var target = reachable.Select((ok, total) => (ok, total)).Where(entry => entry.ok && entry.total >= marks).Select(entry => entry.total).DefaultIfEmpty(Array.LastIndexOf(reachable, true)).First();
        if (target != marks)
        {
            notes.Add($"section {k + 1} (outcome {section.Outcome}) asks for {marks} marks; no set of its eligible items adds up to exactly that, so it has {target}");
        }

        // Rule 2 for marks: when the candidate's unseen items alone can make the total, only marks values that keep it
        // so are allowed (otherwise an unseen 3-mark item first can leave a 1-mark gap only a seen item fills).
        var unseen = new int[counts.Length];
        foreach (var i in pool.Where(i => seenRank[i] == 0))
        {
            unseen[_items[i].Marks]++;
        }

        var fromUnseen = Reachable(unseen, target)[target];
        var ahead = new MarksAhead(target, reserve, 0, 0);
        if (reserve > 0)
        {
            var start = LookAhead(k, pool, seenRank, taken, covered, ahead);
            var slack = ((reserve + 1) * target) - start.Total;
            ahead = ahead with { Slack = slack, Allowance = Math.Max(0, slack) / (reserve + 1) };
        }

        var left = target;
        while (left > 0)
        {
            // Which marks values keep the rest of the target reachable with the items still in the pool.
            var supply = fromUnseen ? unseen : counts;
            var allowed = new bool[counts.Length];
            for (var m = 1; m < counts.Length; m++)
            {
                if (supply[m] > 0 && m <= left)
                {
                    supply[m]--;
                    allowed[m] = Reachable(supply, left - m)[left - m];
                    supply[m]++;
                }
            }

            var pick = Pick(k, pool, keys, seenRank, taken, covered, sitting, overlap, allowed, picksLeft: 1, budget: -left, reserve, notes, ahead with { FromUnseen = fromUnseen });
            Take(pick, picks, taken, covered, sitting, overlap);
            counts[_items[pick].Marks]--;
            if (seenRank[pick] == 0)
            {
                unseen[_items[pick].Marks]--;
            }
            else
            {
                fromUnseen = false;
            }

            left -= _items[pick].Marks;
        }

        return picks;
    }

    private void Take(int pick, List<int> picks, bool[] taken, bool[] covered, SittingIndex sitting, int[] overlap)
    {
        picks.Add(pick);
        taken[pick] = true;
        foreach (var s in _statementsOf[pick])
        {
            covered[s] = true;
        }

        foreach (var form in sitting.FormsWith(pick))
        {
            overlap[form]++;
        }
    }

    /// <summary>
    /// The best item for the next slot of section k. Preference, most important first: unseen (rule 2), adds a statement
    /// the section lacks (rule 3), has a statement the candidate was not yet tested on (rule 3), the least overlap it
    /// would bring with any one earlier form of the sitting (rule 4), fewest uses in the sitting, least exposure (rule 5),
    /// then the seed. The pool is sorted by the static parts, so the scan stops once no later item can beat the best.
    /// </summary>
    private int Pick(int k, int[] pool, ulong[] keys, byte[] seenRank, bool[] taken, bool[] covered, SittingIndex sitting, int[] overlap, bool[]? marksAllowed, int picksLeft, int budget, int reserve, List<string> notes, MarksAhead? ahead = null)
    {
        var outlook = ahead is null ? null : LookAhead(k, pool, seenRank, taken, covered, ahead);
        // Enemy items are kept apart while the bank allows; but filling the blueprint comes first, and a form is still
        // better than none on the day.
        var (apart, apartFallback) = Pick(k, pool, keys, seenRank, taken, covered, sitting, overlap, marksAllowed, picksLeft, budget, reserve, outlook, apart: true);
        if (apart >= 0)
        {
            return apart;
        }

        var (together, togetherFallback) = Pick(k, pool, keys, seenRank, taken, covered, sitting, overlap, marksAllowed, picksLeft, budget, reserve, outlook, apart: false);
        var pick = together >= 0 ? together : apartFallback >= 0 ? apartFallback : togetherFallback;
        if (pick < 0)
        {
            throw new InvalidOperationException($"section {k + 1} of '{Blueprint.Id}' ran out of items although the plan was feasible; please report this");
        }

        var enemies = _enemiesOf[pick].Where(enemy => taken[enemy]).Select(enemy => _items[enemy].Id).ToList();
        if (enemies.Count > 0)
        {
            notes.Add($"section {k + 1} (outcome {Blueprint.Sections[k].Outcome}) could be filled only with {_items[pick].Id}, which excludes {string.Join(", ", enemies)} already on the form");
        }

        return pick;
    }

    private (int Best, int Fallback) Pick(int k, int[] pool, ulong[] keys, byte[] seenRank, bool[] taken, bool[] covered, SittingIndex sitting, int[] overlap, bool[]? marksAllowed, int picksLeft, int budget, int reserve, Outlook? outlook, bool apart)
    {
        // What is left of the section (picks; or, given as a negative number, marks) and the statements it has still to
        // cover: an item that would leave too little for them (a 3-mark item when 4 marks must cover 3 statements) comes
        // after every item that keeps full coverage possible.
        var uncovered = 0;
        foreach (var s in _sectionStatements[k])
        {
            uncovered += covered[s] ? 0 : 1;
        }

        // Unseen items left per statement: an extra item (one adding no statement) should not take the last unseen
        // items a statement needs on the occasions still to come.
        var supply = new int[_statementReferences.Length];
        foreach (var i in pool)
        {
            if (!taken[i] && seenRank[i] == 0)
            {
                foreach (var s in _statementsOf[i])
                {
                    supply[s]++;
                }
            }
        }

        var best = -1;
        var fallback = -1;
        bool? unseenSuffice = null;
        (ulong Seen, int Spread, ulong Untested, int Pairwise, ulong Key) bestKey = default, fallbackKey = default;
        for (var p = 0; p < pool.Length; p++)
        {
            var i = pool[p];
            if (taken[i] || (marksAllowed is not null && !marksAllowed[_items[i].Marks]) || (apart && HasEnemyIn(i, taken)))
            {
                continue;
            }

            var key = keys[p];
            var seen = key >> 56;
            var untested = (key >> 55) & 1;
            var inSitting = (key >> 43) & 0xFFF;
            if (best >= 0 && (seen, 0, untested, inSitting > 0 ? 1 : 0, key).CompareTo(bestKey) >= 0)
            {
                break;
            }

            var adds = Adds(i, covered, k);
            var leftAfter = budget >= 0 ? budget - 1 : -budget - _items[i].Marks;
            var spread = outlook is null
                ? (leftAfter < uncovered - adds ? 3 : adds > 0 ? 0 : Scarce(i, supply, reserve, seenRank[i] == 0) ? 2 : 1)
                : outlook.Spread(i, _items[i].Marks, seenRank[i] == 0, leftAfter, adds > 0 ? 0 : Scarce(i, supply, reserve, seenRank[i] == 0) ? 2 : 1, _statementsOf[i], covered);
            // On the last occasion, an item whose enemy a later section could still draw unseen comes after its equals: taking it would take
            // that enemy off the form (fe6v35's outcome-2 written question had three 8-mark items, one an enemy of an
            // objective item; the objective section took it, and the written section repeated an item).
            // Only on the candidate's last occasion: before it, the later section has other occasions for that enemy,
            // and keeping the item back on every form would leave it unused.
            spread = (spread * 2) + (reserve == 0 && BlocksLater(i, k, taken, seenRank) ? 1 : 0);
            var pairwise = 0;
            foreach (var form in sitting.FormsWith(i))
            {
                pairwise = Math.Max(pairwise, overlap[form] + 1);
            }

            var candidate = (seen, spread, untested, pairwise, key);
            if (best >= 0 && candidate.CompareTo(bestKey) >= 0)
            {
                continue;
            }

            // An item that other sections may also draw must not leave them short (rule 1 before everything else).
            if (_sectionsShareItems && _sectionsOf[i].Any(other => other > k))
            {
                // And while unseen items can fill the rest, an unseen pick must not leave the rest to seen ones (rule 2).
                unseenSuffice ??= StillFillable(k, -1, taken, picksLeft + 1, seenRank);
                if (!StillFillable(k, i, taken, picksLeft, unseenSuffice.Value && seen == 0 ? seenRank : null))
                {
                    // Kept in case every item fails the check: the lint's matching is only approximate for marks sections.
                    if (fallback < 0 || candidate.CompareTo(fallbackKey) < 0)
                    {
                        (fallback, fallbackKey) = (i, candidate);
                    }

                    continue;
                }
            }

            (best, bestKey) = (i, candidate);
        }

        return (best, fallback);
    }

    /// <summary>A marks section's total, the occasions still to come after this one, and the slack it started with.</summary>
    private sealed record MarksAhead(int Target, int Reserve, int Slack, int Allowance, bool FromUnseen = false);

    private Outlook LookAhead(int k, int[] pool, byte[] seenRank, bool[] taken, bool[] covered, MarksAhead ahead)
    {
        var statements = _sectionStatements[k];
        var highest = 1;
        foreach (var i in pool)
        {
            highest = Math.Max(highest, _items[i].Marks);
        }

        var unseen = new int[statements.Length, highest + 1];
        var cheapestAny = new int[statements.Length];
        foreach (var i in pool)
        {
            if (taken[i])
            {
                continue;
            }

            foreach (var s in _statementsOf[i])
            {
                var j = Array.BinarySearch(statements, s);
                if (j >= 0)
                {
                    if (seenRank[i] == 0)
                    {
                        unseen[j, _items[i].Marks]++;
                    }

                    cheapestAny[j] = cheapestAny[j] == 0 ? _items[i].Marks : Math.Min(cheapestAny[j], _items[i].Marks);
                }
            }
        }

        // The items this form may still take (not enemies of one it has), grouped by the first statement they would cover (or none).
        var group = new List<(int Item, int Marks)>[statements.Length + 1];
        foreach (var i in pool)
        {
            if (taken[i] || (ahead.FromUnseen && seenRank[i] != 0) || HasEnemyIn(i, taken))
            {
                continue;
            }

            var g = statements.Length;
            foreach (var s in _statementsOf[i])
            {
                var j = Array.BinarySearch(statements, s);
                if (j >= 0 && !covered[s] && j < g)
                {
                    g = j;
                }
            }

            (group[g] ??= []).Add((i, _items[i].Marks));
        }

        return new Outlook(statements, unseen, cheapestAny, covered, ahead, group, _enemiesOf);
    }

    /// <summary>
    /// What a marks section still has to spend on each statement, this occasion and the ones to come, so that a pick can
    /// be judged by what it leaves the candidate's later forms.
    /// <para>
    /// Every statement needs one unseen item on this form (if not yet covered) and one on each occasion to come; the
    /// cheapest such items are the least those forms must spend on it (its need; an item the bank lacks counts as dearer
    /// than any). This form and the ones to come have (occasions left) × marks to spend in all, and what they spend
    /// beyond the statements' needs is waste: an extra item, or an item a later form needed. The slack (total − needs)
    /// is how much waste the candidate's remaining forms can afford. A form that covers every statement with its
    /// cheapest item must spend the rest of its marks as waste, so while it has marks to spare it should cover some
    /// statements with a dearer item the later forms do not need (a 2-mark item now, so both 1-mark items stay for
    /// later): that spends its marks at no cost to them. A pick is judged by the waste it commits this form to (its own
    /// plus what the form will be left to spend beyond the statements' needs); beyond half this form's fair share of the
    /// slack it comes after every pick that wastes less. Greedy forms that took the cheap items first left a bank's last
    /// occasion only dear ones, too dear to cover every statement in the section's marks.
    /// </para>
    /// </summary>
    private sealed class Outlook
    {
        private readonly int[] _statements;
        private readonly int[,] _unseen;
        private readonly int[] _need;
        private readonly int[] _needed;
        private readonly int[] _cheapest;
        private readonly int[] _upgrade;
        private readonly int _absent;
        private readonly int _covering;
        private readonly int _upgrades;
        private readonly MarksAhead _ahead;

        private readonly List<(int Item, int Marks)>?[] _group;
        private readonly int[][] _enemiesOf;
        private readonly bool[] _covered;
        private readonly ulong[] _before;
        private readonly ulong[] _after;
        private readonly Dictionary<(int Group, int Marks), ulong> _completions = [];

        public Outlook(int[] statements, int[,] unseen, int[] cheapestAny, bool[] covered, MarksAhead ahead, List<(int Item, int Marks)>?[] group, int[][] enemiesOf)
        {
            (_group, _enemiesOf, _covered) = (group, enemiesOf, covered);
            _before = new ulong[statements.Length + 1];
            _after = new ulong[statements.Length + 1];
            _before[0] = 1;
            for (var j = 0; j < statements.Length; j++)
            {
                _before[j + 1] = covered[statements[j]] ? _before[j] : Sum(_before[j], SubsetSums(group[j], -1, []) & ~1UL);
            }

            _after[statements.Length] = 1;
            for (var j = statements.Length - 1; j >= 0; j--)
            {
                _after[j] = covered[statements[j]] ? _after[j + 1] : Sum(_after[j + 1], SubsetSums(group[j], -1, []) & ~1UL);
            }

            (_statements, _unseen, _ahead) = (statements, unseen, ahead);
            _absent = unseen.GetLength(1);
            _need = new int[statements.Length];
            _needed = new int[statements.Length];
            _cheapest = new int[statements.Length];
            _upgrade = new int[statements.Length];
            for (var j = 0; j < statements.Length; j++)
            {
                var open = !covered[statements[j]];
                _needed[j] = ahead.Reserve + (open ? 1 : 0);
                var (sum, dearest, cheapest) = Cheapest(j, _needed[j], 0);
                _need[j] = sum;
                Total += sum;
                if (open)
                {
                    // Covering it on this form costs at least its cheapest item (a seen one when no unseen one is left);
                    // a dearer item among the ones it needs spends up to the difference more at no cost to later forms.
                    _cheapest[j] = cheapest > 0 ? cheapest : cheapestAny[j];
                    _upgrade[j] = Math.Max(0, Math.Min(dearest, _absent - 1) - _cheapest[j]);
                    _covering += _cheapest[j];
                    _upgrades += _upgrade[j];
                }
            }
        }

        /// <summary>The statements' needs over this form and the occasions to come.</summary>
        public int Total { get; }

        /// <summary>
        /// The pick's rank in Pick's spread (lower first): a pick leaving this form too few marks to cover its statements
        /// last, then by the waste it commits beyond the allowance (the dearer first among equals), then <paramref name="category"/> (adds a statement 0,
        /// an extra 1, an extra taking a statement's last unseen items 2).
        /// </summary>
        public int Spread(int item, int marks, bool unseen, int leftAfter, int category, int[] statementsOf, bool[] covered)
        {
            var (total, covering, upgrades) = (Total, _covering, _upgrades);
            foreach (var s in statementsOf)
            {
                var j = Array.BinarySearch(_statements, s);
                if (j < 0)
                {
                    continue;
                }

                var open = !covered[s];
                total += Cheapest(j, _needed[j] - (open ? 1 : 0), unseen ? marks : 0).Sum - _need[j];
                if (open)
                {
                    covering -= _cheapest[j];
                    upgrades -= _upgrade[j];
                }
            }

            var breaksCoverage = leftAfter < covering || !Completes(item, marks, leftAfter, statementsOf, covered);
            var (waste, projected) = (0, 0);
            if (_ahead.Reserve > 0)
            {
                var slackAfter = leftAfter + (_ahead.Reserve * _ahead.Target) - total;
                var forced = Math.Max(0, leftAfter - covering - upgrades);
                projected = _ahead.Slack - slackAfter + forced;
                waste = Math.Max(0, projected - _ahead.Allowance);
            }

            // Among picks that waste alike, the dearer first: cheap items make any total, so they are the ones to keep.
            // Also within the allowance when the slack is less than a form's marks: then the later forms have little room
            // to make their exact totals from what is left (ocr-03456-f4's outcome 1: 12 of its 14 marks on 3 forms).
            var dearer = waste > 0 || (projected > 0 && _ahead.Slack <= _ahead.Target) ? Math.Clamp(_absent - marks, 0, 63) : 0;
            return (breaksCoverage ? 1 << 29 : 0) + (Math.Min(waste, 1 << 20) * 256) + (dearer * 4) + category;
        }

        /// <summary>
        /// Whether, after the item, the rest of the form can still make exactly <paramref name="leftAfter"/> marks with at
        /// least one item of every statement still uncovered (items counted under the first uncovered statement they
        /// have): the marks values alone can make the total while the only items left for a statement are too dear.
        /// Subset sums as bit sets, so only totals up to 63 are checked.
        /// </summary>
        private bool Completes(int item, int marks, int leftAfter, int[] statementsOf, bool[] covered)
        {
            if (leftAfter < 0 || leftAfter > 63 || _group[^1] is null && _group.All(list => list is null))
            {
                return leftAfter >= 0;
            }

            var g = _statements.Length;
            foreach (var s in statementsOf)
            {
                var j = Array.BinarySearch(_statements, s);
                if (j >= 0 && !covered[s] && j < g)
                {
                    g = j;
                }
            }

            var enemies = _enemiesOf[item];
            if (enemies.Length > 0)
            {
                // Its enemies leave the form with it: the sums again without them (few items have enemies).
                var rest = 1UL;
                for (var j = 0; j < _statements.Length; j++)
                {
                    if (!_covered[_statements[j]])
                    {
                        rest = Sum(rest, j == g ? SubsetSums(_group[j], item, enemies) : SubsetSums(_group[j], -1, enemies) & ~1UL);
                    }
                }

                rest = Sum(rest, SubsetSums(_group[^1], item, enemies));
                return ((rest >> leftAfter) & 1) != 0;
            }

            if (!_completions.TryGetValue((g, marks), out var sums))
            {
                // The other uncovered statements each need an item; the item's own group (less the item) and the items
                // of covered statements may add any.
                var others = g == _statements.Length ? _before[^1] : Sum(_before[g], _after[g + 1]);
                var free = SubsetSums(_group[^1], g == _statements.Length ? item : -1, []);
                sums = g == _statements.Length ? Sum(others, free) : Sum(others, Sum(free, SubsetSums(_group[g], item, [])));
                _completions[(g, marks)] = sums;
            }

            _ = item;
            return ((sums >> leftAfter) & 1) != 0;
        }

        /// <summary>The totals (bit t: total t, up to 63) some subset of the items can make, leaving out <paramref name="without"/> and <paramref name="enemies"/>.</summary>
        private static ulong SubsetSums(List<(int Item, int Marks)>? items, int without, int[] enemies)
        {
            var sums = 1UL;
            foreach (var (i, m) in items ?? [])
            {
                if (i != without && Array.BinarySearch(enemies, i) < 0)
                {
                    sums |= m < 64 ? sums << m : 0;
                }
            }

            return sums;
        }

        /// <summary>The totals a + b for a in one set and b in the other.</summary>
        private static ulong Sum(ulong left, ulong right)
        {
            var sums = 0UL;
            for (var b = 0; b < 64 && right >> b != 0; b++)
            {
                if (((right >> b) & 1) != 0)
                {
                    sums |= left << b;
                }
            }

            return sums;
        }

        /// <summary>The sum of statement j's <paramref name="count"/> cheapest unseen items (one of <paramref name="without"/> marks left out), the dearest of them, the cheapest.</summary>
        private (int Sum, int Dearest, int Cheapest) Cheapest(int j, int count, int without)
        {
            var (sum, dearest, cheapest) = (0, 0, 0);
            for (var m = 1; m < _absent && count > 0; m++)
            {
                var take = Math.Min(count, _unseen[j, m] - (m == without ? 1 : 0));
                if (take > 0)
                {
                    (sum, dearest, count) = (sum + (take * m), m, count - take);
                    cheapest = cheapest == 0 ? m : cheapest;
                }
            }

            return (sum + (count * _absent), count > 0 ? _absent : dearest, cheapest);
        }
    }

    /// <summary>Whether the item has an enemy, not yet taken and unseen by the candidate, that a later section may draw.</summary>
    private bool BlocksLater(int item, int k, bool[] taken, byte[] seenRank)
    {
        foreach (var enemy in _enemiesOf[item])
        {
            if (!taken[enemy] && seenRank[enemy] == 0 && _sectionsOf[enemy].Any(other => other > k))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether taking the item leaves one of its statements fewer unseen items than the occasions to come.</summary>
    private bool Scarce(int item, int[] supply, int reserve, bool unseen)
    {
        foreach (var s in _statementsOf[item])
        {
            if (supply[s] - (unseen ? 1 : 0) < reserve)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many of section k's statements not yet covered the item would cover.</summary>
    private int Adds(int item, bool[] covered, int k)
    {
        var adds = 0;
        foreach (var s in _statementsOf[item])
        {
            if (!covered[s] && Array.BinarySearch(_sectionStatements[k], s) >= 0)
            {
                adds++;
            }
        }

        return adds;
    }

    private bool HasEnemyIn(int item, bool[] taken)
    {
        foreach (var enemy in _enemiesOf[item])
        {
            if (taken[enemy])
            {
                return true;
            }
        }

        return false;
    }

    private bool AddsStatement(int item, bool[] covered)
    {
        foreach (var s in _statementsOf[item])
        {
            if (!covered[s])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether, without <paramref name="candidate"/> and the taken items (and, given <paramref name="unseenOnly"/>, with
    /// unseen items alone), the rest of section k (<paramref name="picksLeft"/> − 1 items) and the later sections can be filled.
    /// </summary>
    private bool StillFillable(int k, int candidate, bool[] taken, int picksLeft, byte[]? unseenOnly)
    {
        // Rare (real banks keep sections apart by type), so reuse the lint's exact matching rather than a second copy.
        var rest = Enumerable.Range(0, _items.Length).Where(i => !taken[i] && i != candidate && (unseenOnly is null || unseenOnly[i] == 0)).Select(i => _items[i]).ToList();
        var sections = Blueprint.Sections.Select((section, s) =>
            s < k ? null : s == k ? (picksLeft > 1 && section.Items is not null ? section with { Items = picksLeft - 1 } : null) : section)
            .OfType<BlueprintSection>().ToList();
        return sections.Count == 0 || Feasibility.Check(Unit with { Items = rest }, Blueprint with { Sections = sections, Occasions = 1 }, Today).Count == 0;
    }

    /// <summary>reachable[t]: some multiset of the marks values (with these counts) adds up to t, for t ≤ limit.</summary>
    private static bool[] Reachable(int[] counts, int limit)
    {
        var reachable = new bool[limit + 1];
        reachable[0] = true;
        for (var m = 1; m < counts.Length; m++)
        {
            for (var c = 0; c < counts[m]; c++)
            {
                var changed = false;
                for (var t = limit; t >= m; t--)
                {
                    if (!reachable[t] && reachable[t - m])
                    {
                        reachable[t] = changed = true;
                    }
                }

                if (!changed)
                {
                    break;
                }
            }
        }

        return reachable;
    }

    private static FormItem Present(Item item, int section, ulong seed)
    {
        var random = new SplitMix(seed);
        if (item.Type == ItemType.Match)
        {
            var prompts = item.Pairs.Select(pair => pair.Key).ToList();
            var answers = item.Pairs.Select(pair => pair.Answer).Concat(item.Distractors).Distinct(StringComparer.Ordinal).ToList();
            if (item.Shuffle)
            {
                Shuffle(prompts, ref random);
                Shuffle(answers, ref random);
            }
            else
            {
                // A fixed prompt order is what the author asked for, but answers in row order would hand out the key.
                answers.Sort(StringComparer.Ordinal);
            }

            return new FormItem(item.Id, item.ContentHash, section, prompts, answers);
        }

        var options = item.Options.Select(option => option.Key).ToList();
        if (item.Shuffle)
        {
            Shuffle(options, ref random);
        }

        return new FormItem(item.Id, item.ContentHash, section, options, []);
    }

    private static void Shuffle(List<string> list, ref SplitMix random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Below(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary>Which earlier forms of a sitting hold each item; item indices are the plan's.</summary>
    internal sealed class SittingIndex(int items)
    {
        // Shared and never written to: items no form holds yet.
        private static readonly List<int> None = [];
        private readonly List<int>?[] _formsWith = new List<int>?[items];

        public int FormCount { get; private set; }

        public int Uses(int item) => _formsWith[item]?.Count ?? 0;

        // A List, not an interface, so the hot loops enumerate without allocating.
        public List<int> FormsWith(int item) => _formsWith[item] ?? None;

        /// <summary>Adds a form; returns the most items it shares with any one earlier form.</summary>
        public int Add(IEnumerable<int> form)
        {
            var shared = new int[FormCount];
            var largest = 0;
            foreach (var i in form)
            {
                var list = _formsWith[i] ??= [];
                foreach (var other in list)
                {
                    largest = Math.Max(largest, ++shared[other]);
                }

                list.Add(FormCount);
            }

            FormCount++;
            return largest;
        }
    }
}
