using AssessmentEngine.ItemBank;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Invigilation;
using AssessmentEngine.Web.Infrastructure;
using FsCheck;
using FsCheck.Xunit;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>
/// Random sequences of every command on one attempt, with hostile arguments and the clock moving between them, through
/// the engine's own deciders and its projection's folds: no database. After every step the lifecycle's invariants hold.
/// </summary>
public sealed class AttemptLifecycleTests
{
    private static readonly DateTimeOffset CheckedInAt = new(2027, 3, 10, 9, 50, 0, TimeSpan.Zero);
    private static readonly Form TwoItems = new("t", 1, [new FormItem("q1", "h1", 1, ["a", "b"], []), new FormItem("q2", "h2", 1, [], [])], [], [], []);

    private static readonly IReadOnlyDictionary<string, Item> Items = new Dictionary<string, Item>
    {
        ["q1"] = new("q1", "FE6V 35", "q1.md", ItemType.Single, ["1.1"], 1, null, true, null, Scoring.AllOrNothing, null, null, "<p>q1</p>",
            [new Option("a", "A", true), new Option("b", "B", false)], [], [], [], null, null, "h1", ""),
        ["q2"] = new("q2", "FE6V 35", "q2.md", ItemType.Extended, ["2.1"], 4, null, false, null, Scoring.AllOrNothing, null, null, "<p>q2</p>",
            [], [], [], [], "<p>guidance</p>", null, "h2", ""),
    };

    /// <summary>One step: a command from someone, or the clock moving on.</summary>
    public abstract record Step;

    public sealed record Admit(bool IdentityChecked) : Step;

    public sealed record RefuseAdmission(string? Reason) : Step;

    public sealed record Start : Step;

    public sealed record Open(string Page) : Step;

    public sealed record Save(string Page, Change[] Changes) : Step
    {
        public override string ToString() => $"Save {{ Page = {Page}, Changes = [{string.Join(", ", Changes.Select(c => c.ToString()))}] }}";
    }

    public sealed record Pause(string? Reason) : Step;

    public sealed record Resume : Step;

    public sealed record Extend(int Minutes, string? Reason) : Step;

    public sealed record Void(string? Reason) : Step;

    /// <summary>The candidate hands in.</summary>
    public sealed record HandIn : Step;

    /// <summary>The engine submits: the window closed, the sitting ended.</summary>
    public sealed record SubmitFor(string Reason) : Step;

    /// <summary>The time-up job runs (it may run early: the deadline moves after it is scheduled).</summary>
    public sealed record TimeUp : Step;

    public sealed record Wait(TimeSpan For) : Step;

    /// <summary>The clock moves to the deadline as it stands, give or take (never backwards).</summary>
    public sealed record ToDeadline(TimeSpan Offset) : Step;

    public sealed record Case(TimeLimit Limit, int ExtraTimePercent, Step[] Steps)
    {
        public override string ToString() => $"{Limit}, +{ExtraTimePercent}%:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", Steps.Select(s => s.ToString()))}";
    }

    private static readonly Gen<string?> Reasons = Gen.Elements<string?>(null, "", "   ", "rest break", " notes found on the desk ");

    private static readonly Gen<Change> Changes =
        from item in Gen.Frequency(Tuple.Create(4, Gen.Constant("q1")), Tuple.Create(4, Gen.Constant("q2")), Tuple.Create(1, Gen.Constant("q9")))
        from sequence in Gen.Frequency(Tuple.Create(9, Gen.Choose(1, 12).Select(n => (long)n)), Tuple.Create(1, Gen.Elements(0L, -1L, long.MaxValue)))
        from kind in Gen.Choose(0, 5)
        select kind switch
        {
            0 => new Change(sequence, item, new Response(Choice: "a"), null),
            1 => new Change(sequence, item, new Response(Choice: "b"), null),
            2 => new Change(sequence, item, new Response(Text: "Customers come first."), null),
            3 => new Change(sequence, item, null, null),
            4 => new Change(sequence, item, Response.Empty, true),
            _ => new Change(sequence, item, null, false),
        };

    private static readonly Gen<Step> Steps = Gen.Frequency(
        Tuple.Create(2, Gen.Elements(true, true, true, false).Select(Step (c) => new Admit(c))),
        Tuple.Create(1, Reasons.Select(Step (r) => new RefuseAdmission(r))),
        Tuple.Create(2, Gen.Constant<Step>(new Start())),
        Tuple.Create(1, Gen.Elements("page-1", "page-2").Select(Step (p) => new Open(p))),
        Tuple.Create(5, Gen.Elements("page-1", "page-2").SelectMany(page => Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(n, Changes)).Select(Step (c) => new Save(page, c)))),
        Tuple.Create(2, Reasons.Select(Step (r) => new Pause(r))),
        Tuple.Create(2, Gen.Constant<Step>(new Resume())),
        Tuple.Create(2, Gen.Elements(int.MinValue, -5, 0, 1, 10, 600, 601, int.MaxValue).SelectMany(m => Reasons.Select(Step (r) => new Extend(m, r)))),
        Tuple.Create(1, Reasons.Select(Step (r) => new Void(r))),
        Tuple.Create(2, Gen.Constant<Step>(new HandIn())),
        Tuple.Create(1, Gen.Elements(SubmissionReasons.WindowClosed, SubmissionReasons.SittingEnded).Select(Step (r) => new SubmitFor(r))),
        Tuple.Create(2, Gen.Constant<Step>(new TimeUp())),
        Tuple.Create(3, Gen.Frequency(
            Tuple.Create(3, Gen.Choose(0, 120)), Tuple.Create(2, Gen.Choose(0, 30 * 60)), Tuple.Create(1, Gen.Choose(0, 3 * 60 * 60)))
            .Select(Step (s) => new Wait(TimeSpan.FromSeconds(s)))),
        Tuple.Create(2, Gen.Choose(-90, 90).Select(Step (s) => new ToDeadline(TimeSpan.FromSeconds(s)))));

    /// <summary>Cases shrink by dropping steps, so a counterexample comes back as short as it can be.</summary>
    private static Arbitrary<Case> Cases() => Arb.From(
        from limit in Gen.Elements(TimeLimit.Hard, TimeLimit.Soft)
        from extra in Gen.Elements(0, 25, 50)
        from length in Gen.Choose(1, 25)
        from steps in Gen.ArrayOf(length, Steps)
        select new Case(limit, extra, steps),
        c => Enumerable.Range(0, c.Steps.Length).Select(i => c with { Steps = c.Steps.Where((_, j) => j != i).ToArray() }));

    [Property(MaxTest = 2000, QuietOnSuccess = true)]
    public Property Every_sequence_of_commands_keeps_the_attempts_invariants() => Prop.ForAll(Cases(), Run);

    /// <summary>
    /// A candidate paused on a hard limit hands in once the deadline as it stood before the pause has come (the pause is
    /// credited only at the resume): the hand-in was taken for the time-up job's, which does nothing while paused, so
    /// nothing was submitted. The property's shrunk counterexample.
    /// </summary>
    [Fact]
    public void A_candidate_handing_in_while_paused_at_the_old_deadline_is_submitted() =>
        Run(new Case(TimeLimit.Hard, 0, [new Admit(true), new Start(), new Pause("rest break"), new ToDeadline(TimeSpan.Zero), new HandIn()]));

    /// <summary>Runs the steps from check-in, checking the invariants after each; throws, naming the step, on the first that breaks.</summary>
    private static void Run(Case @case)
    {
        var now = CheckedInAt;
        var history = new AttemptHistory(new CandidateCheckedIn(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "FE6V 35", "t", 1, "candidate", now));
        for (var index = 0; index < @case.Steps.Length; index++)
        {
            var step = @case.Steps[index];
            var before = history.State;
            void Holds(bool invariant, string sentence)
            {
                if (!invariant)
                {
                    throw new InvariantBrokenException($"step {index + 1} ({step}) at {now:HH:mm:ss}: {sentence}; the attempt: {AttemptHistory.Describe(history.State)}");
                }
            }

            if (step is Wait or ToDeadline)
            {
                var later = step is Wait wait ? now + wait.For : before.Deadline is { } deadline && deadline + ((ToDeadline)step).Offset > now ? deadline + ((ToDeadline)step).Offset : now;
                Holds(AttemptHistory.AtMost(before.RemainingAt(later), before.RemainingAt(now)), "the time left grew as the clock moved on");
                Holds(before.PausedAt is null || before.RemainingAt(later) == before.RemainingAt(now), "the time left moved while the clock was paused");
                now = later;
                continue;
            }

            IReadOnlyList<object> events;
            try
            {
                events = Decide(@case, before, step, now);
            }
            catch (RefusedException)
            {
                events = []; // refused: nothing is appended, as the write path appends only what a decision returns
            }

            try
            {
                foreach (var @event in events)
                {
                    history.Append(@event, now);
                }
            }
            catch (InvariantBrokenException broken)
            {
                Holds(false, broken.Message);
            }

            Holds(LifecycleCommand(step) is not { } command || before.AcceptsCommand(command) || events.Count == 0,
                $"a command the lifecycle refuses in {before.Status} wrote {string.Join(", ", events.Select(e => e.GetType().Name))}");
            Holds(step is not HandIn || !before.InProgress || history.State.Status == AttemptStatus.Submitted, "the candidate handed in an attempt under way and it was not submitted");
        }
    }

    /// <summary>
    /// What the engine runs for each command: the same decider its endpoint, hub method or job runs inside the write
    /// path, which materialises the events before appending them.
    /// </summary>
    private static IReadOnlyList<object> Decide(Case @case, Attempt attempt, Step step, DateTimeOffset now) => step switch
    {
        Admit admit => AttemptDecisions.Admit(attempt, TwoItems, "salt", admit.IdentityChecked, "invigilator", now).ToList(),
        RefuseAdmission refuse => AttemptDecisions.RefuseAdmission(attempt, refuse.Reason, "invigilator", now).ToList(),
        Start => AttemptDecisions.Start(attempt, 60, @case.ExtraTimePercent, @case.Limit, 60, "candidate", now).ToList(),
        Open open => AttemptDecisions.Open(attempt, open.Page, "candidate", now).ToList(),
        Save save => AttemptDecisions.Save(attempt, save.Page, save.Changes, now).Events,
        Pause pause => InvigilationDecisions.Pause(attempt, pause.Reason, "invigilator", now).ToList(),
        Resume => InvigilationDecisions.Resume(attempt, "invigilator", now).ToList(),
        Extend extend => InvigilationDecisions.ExtendTime(attempt, extend.Minutes, extend.Reason, "invigilator", now).ToList(),
        Void @void => InvigilationDecisions.Void(attempt, @void.Reason, "invigilator", now).ToList(),
        HandIn => AttemptDecisions.HandIn(attempt, "candidate", now, Items).ToList(),
        SubmitFor submit => AttemptDecisions.Submit(attempt, submit.Reason, EngineActor.Name, now, Items).ToList(),
        TimeUp => AttemptDecisions.TimeUp(attempt, now, Items).ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    private static AttemptCommand? LifecycleCommand(Step step) => step switch
    {
        Admit => AttemptCommand.Admit,
        RefuseAdmission => AttemptCommand.RefuseAdmission,
        Start => AttemptCommand.Start,
        Save => AttemptCommand.Save,
        Pause => AttemptCommand.Pause,
        Resume => AttemptCommand.Resume,
        Extend => AttemptCommand.Extend,
        Void => AttemptCommand.Void,
        HandIn or SubmitFor => AttemptCommand.Submit,
        TimeUp => AttemptCommand.TimeUp,
        _ => null,
    };
}
