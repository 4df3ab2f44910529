using System.Security.Cryptography;
using AssessmentEngine.ItemBank.Sampling;
using AssessmentEngine.Web.Features.Attempts.CheckingIn;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Infrastructure.Store;
using AssessmentEngine.Web.Infrastructure;
using Marten;

namespace AssessmentEngine.Web.Features.Attempts.Admitting;

/// <summary>
/// An invigilator of the sitting admits a checked-in candidate after checking their identity, or refuses them. The form
/// is assembled at admission, for this candidate alone: avoiding what they were shown before, what others in the room
/// have, and the items used most.
/// </summary>
public sealed class AdmitCandidate(IDocumentStore store, SittingReads sittings, ExposureCounts exposures, TimeProvider time)
{
    public async Task<Attempt> AdmitAsync(Guid sittingId, Guid candidateId, bool identityChecked, Guid invigilatorId, string actor, CancellationToken cancellationToken = default)
    {
        var (sitting, attempt) = await LoadAsync(sittingId, candidateId, invigilatorId, cancellationToken);
        if (attempt.Status is AttemptStatus.Admitted or AttemptStatus.InProgress or AttemptStatus.Submitted)
        {
            return attempt;
        }

        await using var session = store.QuerySession();
        var centre = await session.LoadAsync<Centre>(sitting.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such centre.");
        var now = time.GetUtcNow();
        var form = (await AssembleTogetherAsync(session, sitting, [attempt], DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime), cancellationToken))[attempt.Id];
        var salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
        await store.DecideAsync<Attempt>(attempt.Id, current => AttemptDecisions.Admit(current, form, salt, identityChecked, actor, now), cancellationToken);
        return (await session.LoadAsync<Attempt>(attempt.Id, cancellationToken))!;
    }

    /// <summary>The most candidates one admission of the ticked may name: a room is at most a few hundred.</summary>
    public const int MaxTicked = 500;

    /// <summary>
    /// Admits every ticked candidate (their identity checked at the desk) in one go: the forms are assembled together,
    /// each avoiding the room's forms and those assembled before it, then written a hundred at a time, each decided on the
    /// attempt as it stands. A candidate who cannot be admitted (not checked in, refused earlier, voided) is named with
    /// the reason; the others are admitted all the same. Admitting someone already admitted changes nothing.
    /// </summary>
    public async Task<AdmissionSummary> AdmitTickedAsync(Sitting sitting, IReadOnlyList<Guid> candidateIds, string actor, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var attempts = (await session.LoadManyAsync<Attempt>(cancellationToken, candidateIds.Select(c => CheckIn.IdFor(sitting.Id, c)).ToArray())).ToDictionary(a => a.CandidateId);
        var numbers = (await session.LoadManyAsync<Candidate>(cancellationToken, candidateIds.ToArray())).ToDictionary(c => c.Id, c => c.CandidateNumber);
        var refused = new List<CandidateRefusal>();
        var waiting = new List<Attempt>();
        var already = 0;
        foreach (var candidateId in candidateIds)
        {
            var number = numbers.GetValueOrDefault(candidateId, "a candidate");
            if (!attempts.TryGetValue(candidateId, out var attempt))
            {
                refused.Add(new CandidateRefusal(candidateId, number, "has not checked in yet: they enter the access code on their computer first."));
            }
            else if (attempt.Status is AttemptStatus.Admitted or AttemptStatus.InProgress or AttemptStatus.Submitted)
            {
                already++;
            }
            else if (Refusal(() => AttemptLifecycle.Require(attempt, AttemptCommand.Admit)) is { } reason)
            {
                refused.Add(new CandidateRefusal(candidateId, number, reason));
            }
            else
            {
                waiting.Add(attempt);
            }
        }

        if (waiting.Count == 0)
        {
            return new AdmissionSummary(0, already, refused);
        }

        var centre = await session.LoadAsync<Centre>(sitting.CentreId, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, "There is no such centre.");
        var now = time.GetUtcNow();
        var forms = await AssembleTogetherAsync(session, sitting, waiting, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime), cancellationToken);
        // A hundred at a time: each hundred read in one round trip and written in one.
        var salts = waiting.ToDictionary(a => a.Id, _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));
        var writeRefused = new Dictionary<Guid, CandidateRefusal>();
        var admitted = 0;
        foreach (var chunk in waiting.Chunk(100))
        {
            var written = await store.DecideManyAsync<Attempt>([.. chunk.Select(a => a.Id)], current =>
            {
                try
                {
                    var events = AttemptDecisions.Admit(current, forms[current.Id], salts[current.Id], true, actor, time.GetUtcNow()).ToList();
                    writeRefused.Remove(current.Id);
                    return events;
                }
                catch (RefusedException refusal)
                {
                    writeRefused[current.Id] = new CandidateRefusal(current.CandidateId, numbers.GetValueOrDefault(current.CandidateId, "a candidate"), refusal.Message);
                    return [];
                }
            }, cancellationToken);
            admitted += written.Count;
        }

        already += waiting.Count - admitted - writeRefused.Count;
        refused.AddRange(writeRefused.Values);
        return new AdmissionSummary(admitted, already, refused);
    }

    /// <summary>The reason a rule refuses, or null when it does not.</summary>
    private static string? Refusal(Action rule)
    {
        try
        {
            rule();
            return null;
        }
        catch (RefusedException refused)
        {
            return refused.Message;
        }
    }

    /// <summary>The forms of the candidates admitted together (or of one): the plan prepared once, each form avoiding the room's and those before it.</summary>
    private async Task<Dictionary<Guid, Form>> AssembleTogetherAsync(IQuerySession session, Sitting sitting, IReadOnlyList<Attempt> waiting, DateOnly today, CancellationToken cancellationToken)
    {
        var unit = await session.UnitAsync(sitting.UnitCode, cancellationToken) ?? throw new RefusedException(RefusalKind.Conflict, $"There is no unit {sitting.UnitCode} in the item bank.");
        if ((await session.LoadAsync<BankUnit>(sitting.UnitCode, cancellationToken))?.Assignment(sitting.TestId) is { } assignment)
        {
            return waiting.ToDictionary(a => a.Id, _ => new Form(assignment.Id, 0, [], [], [.. assignment.Covers], []));
        }

        var blueprint = unit.Blueprints.FirstOrDefault(b => b.Id == sitting.TestId)
            ?? throw new RefusedException(RefusalKind.Conflict, $"The test {sitting.TestId} is no longer in the bank for {sitting.UnitCode}; ask the exam officer.");
        var candidateIds = waiting.Select(a => a.CandidateId).ToArray();
        var earlier = (await session.Query<Attempt>().Where(a => a.CandidateId.IsOneOf(candidateIds) && a.UnitCode == unit.Code && a.StartedAt != null)
            .ToListAsync(cancellationToken)).ToLookup(a => a.CandidateId);
        var room = await SittingFormsAsync(session, sitting.Id, cancellationToken);
        var exposure = await exposures.OfAsync(unit.Code, cancellationToken);
        try
        {
            var plan = SamplingPlan.Prepare(unit, blueprint, today);
            var forms = new Dictionary<Guid, Form>();
            foreach (var attempt in waiting)
            {
                var history = earlier[attempt.CandidateId].OrderBy(a => a.StartedAt).Aggregate(CandidateHistory.None, (h, a) => h.After(a.Form!, a.StartedAt!.Value));
                var form = plan.Assemble(history, room, exposure, RandomNumberGenerator.GetInt32(int.MaxValue));
                forms[attempt.Id] = form;
                room.Add(form);
            }

            return forms;
        }
        catch (InfeasibleBlueprintException infeasible)
        {
            throw new RefusedException(RefusalKind.Conflict, $"The bank for {unit.Code} cannot serve its test today: {infeasible.Message}");
        }
    }

    public async Task<Attempt> RefuseAsync(Guid sittingId, Guid candidateId, string? reason, Guid invigilatorId, string actor, CancellationToken cancellationToken = default)
    {
        var (_, attempt) = await LoadAsync(sittingId, candidateId, invigilatorId, cancellationToken);
        var now = time.GetUtcNow();
        await store.DecideAsync<Attempt>(attempt.Id, current => AttemptDecisions.RefuseAdmission(current, reason, actor, now), cancellationToken);
        await using var session = store.QuerySession();
        return (await session.LoadAsync<Attempt>(attempt.Id, cancellationToken))!;
    }

    private async Task<(Sitting Sitting, Attempt Attempt)> LoadAsync(Guid sittingId, Guid candidateId, Guid invigilatorId, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var sitting = await sittings.LoadAsync(sittingId, cancellationToken);
        if (sitting is null || !sitting.InvigilatorIds.Contains(invigilatorId))
        {
            throw new RefusedException(RefusalKind.NotFound, "There is no such sitting assigned to you.");
        }

        var attempt = await session.LoadAsync<Attempt>(CheckIn.IdFor(sittingId, candidateId), cancellationToken)
            ?? throw new RefusedException(RefusalKind.Conflict, "This candidate has not checked in yet: they enter the access code on their computer first.");
        return (sitting, attempt);
    }

    /// <summary>The forms already given in the sitting, as the sampler needs them: their item ids (it compares overlaps).</summary>
    private static async Task<List<Form>> SittingFormsAsync(IQuerySession session, Guid sittingId, CancellationToken cancellationToken) =>
        (await session.Query<IssuedForm>().Where(f => f.SittingId == sittingId).ToListAsync(cancellationToken))
            .Where(f => f.ItemIds.Count > 0)
            .Select(f => new Form("", 0, f.ItemIds.Select(id => new FormItem(id, "", 0, [], [])).ToList(), [], [], []))
            .ToList();
}
