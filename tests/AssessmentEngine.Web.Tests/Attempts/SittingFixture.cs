using System.Globalization;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Sittings;
using AssessmentEngine.Web.Features.Sittings.BookingCandidates;
using AssessmentEngine.Web.Features.Sittings.Scheduling;
using AssessmentEngine.Web.Tests.Infrastructure;
using AssessmentEngine.Web.Tests.ItemBank;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Attempts;

/// <summary>A sitting of the FE6V 35 test starting now, with candidates enrolled, their windows agreed from today and booked.</summary>
public sealed record SittingNow(Centre Centre, UserAccount Invigilator, UserAccount SecondInvigilator, Sitting Sitting, IReadOnlyList<Candidate> Candidates)
{
    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");

    public static async Task<SittingNow> CreateAsync(IServiceProvider services, TimeProvider time, int candidates, string prefix)
    {
        var store = services.GetRequiredService<IDocumentStore>();
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<BankUnit>("FE6V 35") is null)
            {
                var bank = AssessmentEngine.ItemBank.ItemBankLoader.Load([Path.Combine(BankFolder.RepositoryRoot, "itembank", "fe6v35")], BankFolder.RepositoryRoot);
                await ImportItemBank.RunAsync(store, bank, retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
            }
        }

        var centre = await Centres.CentreAsync(store, Random.Shared.Next(700000, 799999).ToString(CultureInfo.InvariantCulture));
        var invigilator = await Centres.StaffAsync(store, centre, $"inv{centre.Number}@example.org", Role.Invigilator);
        var second = await Centres.StaffAsync(store, centre, $"inv2-{centre.Number}@example.org", Role.Invigilator);
        var people = new List<Candidate>();
        for (var n = 1; n <= candidates; n++)
        {
            people.Add(await Centres.CandidateAsync(store, centre, $"{prefix}{n:0000}"));
        }

        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<EnrolCandidates>().HandleAsync(centre.Id, "FE6V 35", people.Select(p => p.Id).ToList(), Officer);
        var agreeing = scope.ServiceProvider.GetRequiredService<AgreeWindow>();
        var now = time.GetUtcNow();
        await using (var query = store.QuerySession())
        {
            foreach (var enrolment in await query.Query<Enrolment>().Where(e => e.CentreId == centre.Id).ToListAsync())
            {
                await agreeing.HandleAsync(centre.Id, enrolment.Id, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, centre.Zone).DateTime), "assessor", Officer);
            }
        }

        var sitting = await scope.ServiceProvider.GetRequiredService<ScheduleSitting>().HandleAsync(centre.Id, "FE6V 35", "Room 9", now, 60, [invigilator.Id, second.Id], Officer);
        await scope.ServiceProvider.GetRequiredService<BookCandidates>().HandleAsync(centre.Id, sitting.Id, people.Select(p => p.Id).ToList(), Officer);
        await using var read = store.QuerySession();
        return new SittingNow(centre, invigilator, second, (await read.LoadAsync<Sitting>(sitting.Id))!, people);
    }
}
