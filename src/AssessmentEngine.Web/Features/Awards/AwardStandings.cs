using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.Units;
using Marten;

namespace AssessmentEngine.Web.Features.Awards;

/// <summary>A unit the candidate has achieved (competent, verified where sampled, released) and the date of the decision.</summary>
public sealed record AchievedUnit(string UnitCode, DateTimeOffset DecidedAt);

/// <summary>A registered candidate's standing on a qualification: their progress, the units achieved with dates, and the claim.</summary>
public sealed record CandidateAward(Candidate Candidate, QualificationRegistration Registration, AwardProgress Progress, IReadOnlyList<AchievedUnit> Achieved)
{
    /// <summary>The rules of combination are met and the certificate is not claimed yet.</summary>
    public bool ReadyToClaim => Progress.Met && !Registration.Claimed;

    /// <summary>The qualification's units achieved, each with the date of its decision, in the order the qualification lists them.</summary>
    public IReadOnlyList<AchievedUnit> Counted =>
        Progress.Achieved.Select(code => Achieved.Where(unit => unit.UnitCode == code).MinBy(unit => unit.DecidedAt)!).ToList();
}

/// <summary>Where registered candidates stand on their qualifications, from their registrations, enrolments and unit outcomes.</summary>
public static class AwardStandings
{
    public static async Task<IReadOnlyList<CandidateAward>> ForCentreAsync(IQuerySession session, Guid centreId, CancellationToken cancellationToken)
    {
        var registrations = await session.Query<QualificationRegistration>().Where(r => r.CentreId == centreId).ToListAsync(cancellationToken);
        return await StandingsAsync(session, centreId, registrations, cancellationToken);
    }

    public static async Task<IReadOnlyList<CandidateAward>> ForCandidateAsync(IQuerySession session, Candidate candidate, CancellationToken cancellationToken)
    {
        var registrations = await session.Query<QualificationRegistration>().Where(r => r.CandidateId == candidate.Id).ToListAsync(cancellationToken);
        return await StandingsAsync(session, candidate.CentreId, registrations, cancellationToken);
    }

    private static async Task<IReadOnlyList<CandidateAward>> StandingsAsync(IQuerySession session, Guid centreId, IReadOnlyList<QualificationRegistration> registrations,
        CancellationToken cancellationToken)
    {
        if (registrations.Count == 0)
        {
            return [];
        }

        var candidateIds = registrations.Select(r => r.CandidateId).Distinct().ToArray();
        var qualifications = (await session.LoadManyAsync<BankQualification>(cancellationToken, registrations.Select(r => r.QualificationCode).Distinct().ToArray()))
            .ToDictionary(q => q.Id, StringComparer.Ordinal);
        var candidates = (await session.LoadManyAsync<Candidate>(cancellationToken, candidateIds)).ToDictionary(c => c.Id);
        var outcomes = await session.Query<UnitOutcome>().Where(o => o.CentreId == centreId && o.CandidateId.IsOneOf(candidateIds)).ToListAsync(cancellationToken);
        var enrolments = await session.Query<Enrolment>().Where(e => e.CentreId == centreId && e.CandidateId.IsOneOf(candidateIds)).ToListAsync(cancellationToken);

        var standings = new List<CandidateAward>();
        foreach (var registration in registrations)
        {
            if (!qualifications.TryGetValue(registration.QualificationCode, out var qualification) || !candidates.TryGetValue(registration.CandidateId, out var candidate))
            {
                continue;
            }

            var achieved = outcomes.Where(o => o.CandidateId == candidate.Id && o.Achieved).Select(o => new AchievedUnit(o.UnitCode, o.Current!.DecidedAt)).ToList();
            var achievedCodes = achieved.Select(a => a.UnitCode).ToHashSet(StringComparer.Ordinal);
            var inProgress = enrolments.Where(e => e.CandidateId == candidate.Id).Select(e => e.UnitCode).ToHashSet(StringComparer.Ordinal);
            standings.Add(new CandidateAward(candidate, registration, AwardProgress.Of(qualification.Definition, achievedCodes, inProgress), achieved));
        }

        return standings.OrderBy(s => s.Registration.QualificationCode, StringComparer.Ordinal)
            .ThenBy(s => s.Candidate.CandidateNumber, StringComparer.Ordinal).ToList();
    }
}
