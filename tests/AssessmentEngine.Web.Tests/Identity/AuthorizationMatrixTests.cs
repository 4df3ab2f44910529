using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using AssessmentEngine.ItemBank;
using AssessmentEngine.Web.Features.Attempts;
using AssessmentEngine.Web.Features.Attempts.Submitting;
using AssessmentEngine.Web.Features.Awards.Registering;
using AssessmentEngine.Web.Features.Enrolments;
using AssessmentEngine.Web.Features.Enrolments.Enrolling;
using AssessmentEngine.Web.Features.Enrolments.Windows;
using AssessmentEngine.Web.Features.Evidence;
using AssessmentEngine.Web.Features.Evidence.Recording;
using AssessmentEngine.Web.Features.Evidence.Storing;
using AssessmentEngine.Web.Features.Evidence.Uploading;
using AssessmentEngine.Web.Features.Identity;
using AssessmentEngine.Web.Features.Identity.Registering;
using AssessmentEngine.Web.Features.ItemBank;
using AssessmentEngine.Web.Features.ItemBank.Importing;
using AssessmentEngine.Web.Features.Marking;
using AssessmentEngine.Web.Features.Marking.MarkingResponses;
using AssessmentEngine.Web.Features.Moderation;
using AssessmentEngine.Web.Features.Moderation.Requesting;
using AssessmentEngine.Web.Features.Platform;
using AssessmentEngine.Web.Tests.Attempts;
using AssessmentEngine.Web.Tests.Infrastructure;
using Marten;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AssessmentEngine.Web.Tests.Identity;

/// <summary>
/// Calls every endpoint the engine maps, with every method it answers, as an anonymous caller, as every role at
/// the centre that owns the data, and as every role at another centre — and checks each is allowed or refused as
/// the table says. An endpoint missing from the table fails the test: a new endpoint must say who may call it. The item
/// bank's pages are called for a real unit of an awarding body (offered to the owning centre, not to the other) and a
/// real unit of the owning centre's own bank, also as an author of the awarding body's bank who holds no centre role.
/// Every page handler (OnPost, OnPost{Name}) is found by reflection and must have calls in <see cref="Posts"/>: each caller posts a
/// plausible form with the antiforgery token of a page they hold, so a refusal is authorisation's (or the object's: "not found") and
/// a 400 is never taken for one. The calls run in the order of <see cref="Step"/>, so that what one changes spoils no row after it.
/// </summary>
public sealed partial class AuthorizationMatrixTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>Who may call an endpoint. AtCentre: the role at the centre in the route; AnyCentre: the role anywhere.</summary>
    /// <summary>
    /// <paramref name="OwnObject"/>: the path names a real object of the owning centre (a sitting, an attempt, an export) that
    /// only the callers named may reach; anyone else is refused, and "not found" counts as refused.
    /// <paramref name="EndsSession"/>: signing out. Its POST carries the token of the sign-out form the caller's page shows, as a
    /// browser sends it, and counts as allowed only when it succeeds (a redirect to /signout after which the caller is signed out).
    /// Called after every other row, since it ends each caller's session.
    /// </summary>
    private sealed record Rule(bool Anonymous, bool AnySignedIn, Role[] AtCentre, Role[] AnyCentre, bool OperatorOnly = false, bool BodyAuthor = false,
        bool OwnObject = false, bool EndsSession = false)
    {
        /// <summary>The platform operator's pages: above every centre, no centre role reaches them.</summary>
        public static readonly Rule Operators = new(false, false, [], [], OperatorOnly: true);

        public static readonly Rule Open = new(true, true, [], []);
        public static readonly Rule SignedIn = new(false, true, [], []);
        public static readonly Rule SignOut = Open with { EndsSession = true };

        public static Rule At(params Role[] roles) => new(false, false, roles, []);

        public static Rule Anywhere(params Role[] roles) => new(false, false, [], roles);

        /// <summary>The object's own people: its candidate, its sitting's invigilator, the assessors or verifiers of its centre.</summary>
        public static Rule Own(params Role[] roles) => new(false, false, roles, [], OwnObject: true);

        public bool Allows(Caller caller) => caller switch
        {
            { Operator: true } => AnySignedIn || OperatorOnly,
            { BodyAuthor: true } => AnySignedIn || BodyAuthor,
            { Role: null } => Anonymous,
            { Role: { } role } => AnySignedIn || AnyCentre.Contains(role) || (AtCentre.Contains(role) && caller.AtOwningCentre),
        };
    }

    /// <summary>
    /// Anonymous, a role at the owning or another centre, the platform operator (above centres, a member of none), or an
    /// author of the awarding body's bank (a member of no centre).
    /// </summary>
    private sealed record Caller(Role? Role, bool AtOwningCentre, bool Operator = false, bool BodyAuthor = false)
    {
        public override string ToString() => Operator ? "the platform operator" : BodyAuthor ? "the awarding body's author"
            : Role is null ? "anonymous" : $"{Role} at {(AtOwningCentre ? "the owning centre" : "another centre")}";
    }

    // Route templates as the endpoint data source reports them, with concrete paths to call for parameterised ones.
    private static readonly Dictionary<string, (Rule Rule, string[] Methods, Func<Ids, string[]> Paths)> Matrix = new()
    {
        ["health"] = (Rule.Open, ["GET"], _ => ["/health"]),
        ["signin"] = (Rule.Open, ["GET"], _ => ["/signin"]),
        ["signout"] = (Rule.Open, ["GET"], _ => ["/signout"]),
        ["denied"] = (Rule.Open, ["GET"], _ => ["/denied"]),
        ["reset-password"] = (Rule.Open, ["GET"], _ => ["/reset-password"]),
        // Each person's own invitations; accepting one that is not theirs is refused (CentreBoundaryTests).
        ["invitations"] = (Rule.SignedIn, ["GET"], _ => ["/invitations"]),
        ["operator"] = (Rule.Operators, ["GET"], _ => ["/operator"]),
        [""] = (Rule.SignedIn, ["GET"], _ => ["/"]),
        ["admin"] = (Rule.Anywhere(Role.Admin), ["GET"], _ => ["/admin"]),
        ["candidate"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/candidate"]),
        // The bank's home is every author's (a tutor writes their centre's own bank); what it lists and imports is checked per
        // unit (BankOwnershipTests).
        ["tutor"] = (Rule.Anywhere(Role.Tutor) with { BodyAuthor = true }, ["GET"], _ => ["/tutor"]),
        ["centres/{centreId:guid}/candidates"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/candidates"]),
        ["centres/{centreId:guid}/candidates/{candidateId:guid}"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/candidates/{ids.Candidate}"]),
        ["centres/{centreId:guid}/sign-in-codes"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/sign-in-codes"]),
        ["centres/{centreId:guid}/staff"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/staff"]),
        ["centres/{centreId:guid}/audit"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/audit"]),
        ["centres/{centreId:guid}/enrolments"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/enrolments"]),
        ["centres/{centreId:guid}/sittings"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/sittings"]),
        // The centre's reports and each section's CSV: its exam officers only.
        ["admin/centres/{centreId:guid}/reports"] = (Rule.At(Role.Admin), ["GET"], ids =>
            [$"/admin/centres/{ids.Centre}/reports", .. new[] { "status", "outstanding", "plans", "windows" }.Select(csv => $"/admin/centres/{ids.Centre}/reports?csv={csv}")]),
        // Qualifications and awards: the centre's exam officers; the candidate's own progress toward the award.
        ["centres/{centreId:guid}/qualifications"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/qualifications", $"/centres/{ids.Centre}/qualifications?format=csv"]),
        ["candidate/award"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/candidate/award"]),
        // Attempts, sittings and exports are real objects of the owning centre: its candidate's attempt, a sitting its
        // invigilator is on, an export its verifier asked for. Anyone else is refused or told "not found".
        ["centres/{centreId:guid}/sittings/{sittingId:guid}"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/sittings/{ids.Sitting}"]),
        ["candidate/sittings/{sittingId:guid}"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/sittings/{ids.Sitting}"]),
        ["candidate/attempts/{attemptId:guid}"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/attempts/{ids.Attempt}"]),
        ["candidate/attempts/{attemptId:guid}/test"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/attempts/{ids.Attempt}/test"]),
        ["candidate/attempts/{attemptId:guid}/receipt"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/attempts/{ids.Attempt}/receipt"]),
        ["api/attempts/{attemptId:guid}/clock"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/api/attempts/{ids.Attempt}/clock"]),
        ["api/attempts/{attemptId:guid}/open"] = (Rule.Own(Role.Candidate), ["POST"], ids => [$"/api/attempts/{ids.Attempt}/open"]),
        ["api/attempts/{attemptId:guid}/answers"] = (Rule.Own(Role.Candidate), ["POST"], ids => [$"/api/attempts/{ids.Attempt}/answers"]),
        ["invigilate/sittings/{sittingId:guid}"] = (Rule.Own(Role.Invigilator), ["GET"], ids => [$"/invigilate/sittings/{ids.Sitting}"]),
        ["invigilate/sittings/{sittingId:guid}/log"] = (Rule.Own(Role.Invigilator), ["GET"], ids => [$"/invigilate/sittings/{ids.Sitting}/log"]),
        // Submitting is last of the attempt's calls: after it, the attempt is the assessors' (the rows below).
        ["api/attempts/{attemptId:guid}/submit"] = (Rule.Own(Role.Candidate), ["POST"], ids => [$"/api/attempts/{ids.Attempt}/submit"]),
        // Moderation exports: the centre's internal verifiers and its external verifier.
        ["verify/centres/{centreId:guid}/exports"] = (Rule.At(Role.Verifier, Role.ExternalVerifier), ["GET"], ids => [$"/verify/centres/{ids.Centre}/exports"]),
        ["verify/centres/{centreId:guid}/exports/{exportId:guid}"] =
            (Rule.Own(Role.Verifier, Role.ExternalVerifier), ["GET"], ids => [$"/verify/centres/{ids.Centre}/exports/{ids.Export}"]),
        // External verification: the verifier's centres, and each centre's sampling for its external verifier alone (an external
        // verifier of another centre is refused); the issued reports for the centre's exam officer.
        ["external"] = (Rule.Anywhere(Role.ExternalVerifier), ["GET"], _ => ["/external"]),
        ["external/centres/{centreId:guid}"] = (Rule.At(Role.ExternalVerifier), ["GET"], ids => [$"/external/centres/{ids.Centre}"]),
        ["centres/{centreId:guid}/external-verification"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/centres/{ids.Centre}/external-verification"]),
        ["assess/centres/{centreId:guid}"] = (Rule.At(Role.Assessor), ["GET"], ids => [$"/assess/centres/{ids.Centre}"]),
        ["verify/centres/{centreId:guid}"] = (Rule.At(Role.Verifier), ["GET"], ids => [$"/verify/centres/{ids.Centre}"]),
        // Submitted evidence: the candidate's own briefs and uploads; the submission's files for its candidate and its centre's assessors
        // and verifiers (internal and external); the centre's evidence queue for its assessors.
        ["candidate/evidence"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/candidate/evidence"]),
        ["candidate/evidence/{enrolmentId:guid}/{briefId}"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/evidence/{ids.Enrolment}/{ids.Brief}"]),
        ["api/evidence/uploads"] = (Rule.Own(Role.Candidate), ["POST"], _ => [EvidenceUploads]),
        ["api/evidence/uploads/{uploadId:guid}"] = (Rule.Own(Role.Candidate), ["HEAD", "PATCH", "DELETE"], ids => [$"{EvidenceUploads}/{ids.Upload}"]),
        ["evidence/submissions/{submissionId:guid}/files/{fileId:guid}"] =
            (Rule.Own(Role.Candidate, Role.Assessor, Role.Verifier, Role.ExternalVerifier), ["GET"], ids => [$"/evidence/submissions/{ids.Submission}/files/{ids.EvidenceFile}"]),
        ["assess/centres/{centreId:guid}/evidence"] = (Rule.At(Role.Assessor), ["GET"], ids => [$"/assess/centres/{ids.Centre}/evidence"]),
        // The evidence the centre's assessors gather, and its recordings; a witness's link is the key to their testimony, no account needed.
        ["assess/enrolments/{enrolmentId:guid}/records"] = (Rule.Own(Role.Assessor), ["GET"], ids => [$"/assess/enrolments/{ids.Enrolment}/records"]),
        ["evidence/records/{recordId:guid}/recording"] = (Rule.Own(Role.Candidate, Role.Assessor, Role.Verifier, Role.ExternalVerifier), ["GET"], ids => [$"/evidence/records/{ids.Record}/recording"]),
        // The printable portfolio records (index of evidence, element achievement record): the centre's assessors and verifiers.
        ["evidence/candidates/{candidateId:guid}/index"] = (Rule.Own(Role.Assessor, Role.Verifier), ["GET"], ids => [$"/evidence/candidates/{ids.Candidate}/index"]),
        ["evidence/enrolments/{enrolmentId:guid}/achievement"] = (Rule.Own(Role.Assessor, Role.Verifier), ["GET"], ids => [$"/evidence/enrolments/{ids.Enrolment}/achievement"]),
        ["witness/{link}"] = (Rule.Open, ["GET"], ids => [$"/witness/{ids.WitnessLink}"]),
        // Units: the candidate's own units, result and record; the exam officer's results; the verifier's unit decisions.
        ["candidate/units"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/candidate/units"]),
        ["candidate/units/{enrolmentId:guid}"] = (Rule.Own(Role.Candidate), ["GET"], ids => [$"/candidate/units/{ids.Enrolment}"]),
        ["candidate/record"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/candidate/record"]),
        ["admin/centres/{centreId:guid}/results"] = (Rule.At(Role.Admin), ["GET"], ids => [$"/admin/centres/{ids.Centre}/results"]),
        ["verify/centres/{centreId:guid}/units"] = (Rule.At(Role.Verifier), ["GET"], ids => [$"/verify/centres/{ids.Centre}/units"]),
        // Hubs: the role lets a connection open; each method then checks the sitting or attempt (LiveInvigilationTests).
        // The transport's GET names a connection the negotiation gave; one that was never given is "not found" once the role lets the
        // caller through (without an id it is a 400, which says nothing of who may call).
        ["hubs/invigilation"] = (Rule.Anywhere(Role.Invigilator), ["GET"], _ => ["/hubs/invigilation?id=never-negotiated"]),
        ["hubs/invigilation/negotiate"] = (Rule.Anywhere(Role.Invigilator), ["POST"], _ => ["/hubs/invigilation/negotiate?negotiateVersion=1"]),
        ["hubs/candidate"] = (Rule.Anywhere(Role.Candidate), ["GET"], _ => ["/hubs/candidate?id=never-negotiated"]),
        ["hubs/candidate/negotiate"] = (Rule.Anywhere(Role.Candidate), ["POST"], _ => ["/hubs/candidate/negotiate?negotiateVersion=1"]),
    };

    // Paths whose rule depends on the concrete value of a route parameter or query.
    private Dictionary<string, (Rule Rule, string Path, string[] Methods)[]> Expanded => new()
    {
        // The submitted attempt: assessed by the assessors of its centre, verified by its verifiers.
        ["{area:regex(^(assess|verify)$)}/attempts/{attemptId:guid}"] =
        // Any member of staff reaches the page; the attempt must be at a centre where they hold the area's role (its handlers
        // are rows of Posts).
        [
            (Rule.Own(Role.Assessor), $"/assess/attempts/{_ids.Attempt}", ["GET"]),
            (Rule.Own(Role.Verifier), $"/verify/attempts/{_ids.Attempt}", ["GET"]),
        ],
        // A submission of the owning centre's candidate: judged by its assessors, read by its verifiers.
        ["{area:regex(^(assess|verify)$)}/evidence/{submissionId:guid}"] =
        [
            (Rule.Own(Role.Assessor), $"/assess/evidence/{_ids.Submission}", ["GET"]),
            (Rule.Own(Role.Verifier), $"/verify/evidence/{_ids.Submission}", ["GET"]),
        ],
        // A candidate's unit decision: decided by the assessors of the owning centre, countersigned by its verifiers.
        ["{area:regex(^(assess|verify)$)}/enrolments/{enrolmentId:guid}/decision"] =
        [
            (Rule.Own(Role.Assessor), $"/assess/enrolments/{_ids.Enrolment}/decision", ["GET"]),
            (Rule.Own(Role.Verifier), $"/verify/enrolments/{_ids.Enrolment}/decision", ["GET"]),
        ],
        // Keys and guidance: the awarding body's unit is read by its authors and by the assessors and verifiers of the centre
        // it is offered to; the owning centre's own unit by that centre's tutors, assessors and verifiers. Nobody else.
        ["tutor/unit"] =
        [
            (Rule.At(Role.Assessor, Role.Verifier) with { BodyAuthor = true }, $"/tutor/unit?code={Uri.EscapeDataString(_ids.BodyUnit)}", ["GET"]),
            (Rule.At(Role.Tutor, Role.Assessor, Role.Verifier), $"/tutor/unit?code={Uri.EscapeDataString(_ids.CentreUnit)}", ["GET"]),
        ],
        ["tutor/item"] =
        [
            (Rule.At(Role.Assessor, Role.Verifier) with { BodyAuthor = true }, $"/tutor/item?id={_ids.BodyItem}", ["GET"]),
            (Rule.At(Role.Tutor, Role.Assessor, Role.Verifier), $"/tutor/item?id={_ids.CentreItem}", ["GET"]),
        ],
        // A judged version of the owning candidate's evidence, opened for sampling by the centre's external verifier.
        ["external/centres/{centreId:guid}/samples/{kind:regex(^(attempt|evidence|unit)$)}/{subjectId:guid}"] =
        [
            (Rule.Own(Role.ExternalVerifier), $"/external/centres/{_ids.Centre}/samples/evidence/{_ids.Submission}?version=1", ["GET"]),
        ],
        ["{area:regex(^(invigilate|assess|verify)$)}"] =
        [
            (Rule.Anywhere(Role.Invigilator), "/invigilate", ["GET"]),
            (Rule.Anywhere(Role.Assessor), "/assess", ["GET"]),
            (Rule.Anywhere(Role.Verifier), "/verify", ["GET"]),
        ],
    };

    /// <summary>
    /// When a page handler's calls are made. The matrix makes its calls in this order so that what one row changes does not
    /// spoil the rows after it; within a step, in the order of <see cref="Posts"/>.
    /// </summary>
    private enum Step
    {
        /// <summary>Before the endpoint rows: the candidate's attempt is in progress until the submit row ends it.</summary>
        WhileTheAttemptRuns,

        /// <summary>After the endpoint rows: each call makes a new object or changes one of the test's own that no other row reads.</summary>
        AfterTheEndpoints,

        /// <summary>Accepting an invitation gives each caller a role at a third centre, which would change what the rows before expect.</summary>
        ChangesRoles,

        /// <summary>Resetting a password and signing in leave the caller signed in as an account of the test's own.</summary>
        ChangesWhoIsSignedIn,

        /// <summary>Signing out ends each caller's session.</summary>
        EndsSession,
    }

    /// <summary>The form a browser posts: its fields, and a file for an upload. The antiforgery token is added when it is sent.</summary>
    private sealed record Form(IReadOnlyList<KeyValuePair<string, string>> Fields, (string Field, string Name, byte[] Bytes)? File = null);

    /// <summary>
    /// One POST to a page handler: who may make it, at which path, and the form each caller's browser sends.
    /// <paramref name="Merits"/>: callers who may reach the handler but can have no valid request for it (a candidate has no
    /// invitation and cannot be given one). The handler turns them away on the merits: a 400 whose page says <paramref name="Says"/>,
    /// which a refused token (a 400 without the page) is not.
    /// </summary>
    private sealed record PagePost(Step Step, Rule Rule, string Path, Func<Caller, Task<Form>> Form, Func<Caller, bool>? Merits = null, string Says = "");

    private static Func<Caller, Task<Form>> Fields(params (string Name, string Value)[] fields) =>
        _ => Task.FromResult(new Form(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList()));

    /// <summary>
    /// Every page handler (page route template, handler name; "" for the unnamed OnPost) with the calls the matrix makes to it. A
    /// handler missing here fails <see cref="Every_page_handler_has_a_row_in_the_matrix"/>: a new handler must say who may post to it.
    /// </summary>
    private Dictionary<(string Template, string Handler), PagePost[]> Posts => new()
    {
        // The candidate's own pages while the attempt runs: checking in again and pressing Start both lead back to it.
        [("candidate/sittings/{sittingId:guid}", "")] =
            [new(Step.WhileTheAttemptRuns, Rule.Own(Role.Candidate), $"/candidate/sittings/{_ids.Sitting}", Fields(("accessCode", _objects.AccessCode)))],
        [("candidate/attempts/{attemptId:guid}", "Start")] =
            [new(Step.WhileTheAttemptRuns, Rule.Own(Role.Candidate), $"/candidate/attempts/{_ids.Attempt}", Fields())],
        // The sitting's invigilator admits a candidate who waits, and refuses another.
        [("invigilate/sittings/{sittingId:guid}", "Admit")] =
            [new(Step.AfterTheEndpoints, Rule.Own(Role.Invigilator), $"/invigilate/sittings/{_ids.Sitting}",
                Fields(("candidateId", _objects.Admitted.ToString()), ("identityChecked", "true")))],
        [("invigilate/sittings/{sittingId:guid}", "Refuse")] =
            [new(Step.AfterTheEndpoints, Rule.Own(Role.Invigilator), $"/invigilate/sittings/{_ids.Sitting}",
                Fields(("candidateId", _objects.Refused.ToString()), ("reason", "No photographic identification")))],
        // Marking an attempt of the centre's that was submitted and marked for the test: the assessor marks and decides, then the
        // verifier (who did neither) samples and verifies. Each handler of the other area is nobody's.
        [("{area:regex(^(assess|verify)$)}/attempts/{attemptId:guid}", "Mark")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(Role.Assessor), $"/assess/attempts/{_objects.Marked}", Fields(("itemId", _objects.Extended), ("marks", "1"), ("comment", "Partly"))),
            new(Step.AfterTheEndpoints, Rule.Own(), $"/verify/attempts/{_objects.Marked}", Fields(("itemId", _objects.Extended), ("marks", "1"))),
        ],
        [("{area:regex(^(assess|verify)$)}/attempts/{attemptId:guid}", "Decide")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/verify/attempts/{_objects.Marked}", Fields(("decision", Decisions.Competent), ("justification", "Meets every outcome"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Assessor), $"/assess/attempts/{_objects.Marked}", Fields(("decision", Decisions.Competent), ("justification", "Meets every outcome"))),
        ],
        [("{area:regex(^(assess|verify)$)}/attempts/{attemptId:guid}", "Sample")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/assess/attempts/{_objects.Marked}", Fields()),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Verifier), $"/verify/attempts/{_objects.Marked}", Fields()),
        ],
        [("{area:regex(^(assess|verify)$)}/attempts/{attemptId:guid}", "Verify")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/assess/attempts/{_objects.Marked}", Fields(("agrees", "true"), ("comment", "Agreed"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Verifier), $"/verify/attempts/{_objects.Marked}", Fields(("agrees", "true"), ("comment", "Agreed"))),
        ],
        // The candidate's draft: removing its one file, then submitting (refused on its merits: the draft is empty by then). Judging is
        // the assessors' of the centre (refused on its merits: the one version is judged already); in the verifier's area, nobody's.
        [("candidate/evidence/{enrolmentId:guid}/{briefId}", "Remove")] =
            [new(Step.AfterTheEndpoints, Rule.Own(Role.Candidate), $"/candidate/evidence/{_ids.Enrolment}/{_ids.Brief}", Fields(("fileId", _objects.DraftFile.ToString())))],
        [("candidate/evidence/{enrolmentId:guid}/{briefId}", "Submit")] =
            [new(Step.AfterTheEndpoints, Rule.Own(Role.Candidate), $"/candidate/evidence/{_ids.Enrolment}/{_ids.Brief}", Fields(("declared", "true")),
                Merits: caller => caller is { Role: Role.Candidate, AtOwningCentre: true }, Says: "Upload at least one file before you submit.")],
        [("{area:regex(^(assess|verify)$)}/evidence/{submissionId:guid}", "Judge")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/verify/evidence/{_ids.Submission}", Fields(("version", "1"), ("feedback", "Good"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Assessor), $"/assess/evidence/{_ids.Submission}",
                _ => Task.FromResult(new Form([.. _objects.Covers.Select(c => new KeyValuePair<string, string>($"met:{c}", "met")), new("version", "1"), new("feedback", "Good")])),
                Merits: caller => caller is { Role: Role.Assessor, AtOwningCentre: true }, Says: "is already judged")],
        // The judged version is sampled, then verified, by the owning centre's verifier (who did not judge it); in the assessor's area, nobody's.
        [("{area:regex(^(assess|verify)$)}/evidence/{submissionId:guid}", "Sample")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/assess/evidence/{_ids.Submission}", Fields(("version", "1"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Verifier), $"/verify/evidence/{_ids.Submission}", Fields(("version", "1"))),
        ],
        [("{area:regex(^(assess|verify)$)}/evidence/{submissionId:guid}", "Verify")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/assess/evidence/{_ids.Submission}", Fields(("version", "1"), ("agrees", "true"), ("comment", "Agreed"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Verifier), $"/verify/evidence/{_ids.Submission}", Fields(("version", "1"), ("agrees", "true"), ("comment", "Agreed"))),
        ],
        // Counting the judged version for another unit is the assessors' of the centre (refused on its merits: the enrolment named is the
        // submission's own unit); in the verifier's area, nobody's.
        [("{area:regex(^(assess|verify)$)}/evidence/{submissionId:guid}", "CrossReference")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/verify/evidence/{_ids.Submission}", Fields(("version", "1"), ("enrolmentId", _ids.Enrolment.ToString()), ("statements", "1.1"), ("comment", "Shows it"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Assessor), $"/assess/evidence/{_ids.Submission}", Fields(("version", "1"), ("enrolmentId", _ids.Enrolment.ToString()), ("statements", "1.1"), ("comment", "Shows it")),
                Merits: caller => caller is { Role: Role.Assessor, AtOwningCentre: true }, Says: "its own unit"),
        ],
        // The centre's assessors record an observation; the witness confirms through their link (again and again: nothing changes).
        [("assess/enrolments/{enrolmentId:guid}/records", "Record")] =
            [new(Step.AfterTheEndpoints, Rule.Own(Role.Assessor), $"/assess/enrolments/{_ids.Enrolment}/records",
                Fields(("Kind", "Observation"), ("on", _objects.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("activity", "At the desk"), ("account", "Greeted"),
                    ("covers", "1.1")))],
        [("witness/{link}", "")] = [new(Step.AfterTheEndpoints, Rule.Open, $"/witness/{_ids.WitnessLink}", Fields())],
        // The unit decision: the assessors of the owning centre decide (refused on its merits: no decision chosen), its verifiers
        // countersign (refused on its merits: nothing decided); in the other area, nobody.
        [("{area:regex(^(assess|verify)$)}/enrolments/{enrolmentId:guid}/decision", "Decide")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/verify/enrolments/{_ids.Enrolment}/decision", Fields(("justification", "Shown"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Assessor), $"/assess/enrolments/{_ids.Enrolment}/decision", Fields(("justification", "Shown")),
                Merits: caller => caller is { Role: Role.Assessor, AtOwningCentre: true }, Says: "Choose competent or not yet competent."),
        ],
        [("{area:regex(^(assess|verify)$)}/enrolments/{enrolmentId:guid}/decision", "Countersign")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(), $"/assess/enrolments/{_ids.Enrolment}/decision", Fields(("agrees", "true"), ("comment", "Agreed"))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.Verifier), $"/verify/enrolments/{_ids.Enrolment}/decision", Fields(("agrees", "true"), ("comment", "Agreed")),
                Merits: caller => caller is { Role: Role.Verifier, AtOwningCentre: true }, Says: "The assessor has not decided this unit yet."),
        ],
        // The exam officer releases results (refused on its merits: none ticked, no date).
        [("admin/centres/{centreId:guid}/results", "Release")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/admin/centres/{_ids.Centre}/results", Fields(),
                Merits: caller => caller is { Role: Role.Admin, AtOwningCentre: true }, Says: "Tick the results to release.")],
        [("admin/centres/{centreId:guid}/results", "Schedule")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/admin/centres/{_ids.Centre}/results", Fields(),
                Merits: caller => caller is { Role: Role.Admin, AtOwningCentre: true }, Says: "Choose the date the results are released on.")],
        // The exam officer's pages. The home page names the centre in its form: an exam officer of another centre is refused.
        [("admin", "Marking")] = [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), "/admin", Fields(("centreId", _ids.Centre.ToString()), ("anonymous", "false")))],
        [("admin", "SingleSignOn")] = [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), "/admin", Fields(("centreId", _ids.Centre.ToString()), ("issuer", "")))],
        [("centres/{centreId:guid}/candidates", "Add")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/candidates",
                caller => Fields(("number", Unique()), ("firstName", "Ann"), ("lastName", "Added"), ("dateOfBirth", "2001-04-23"))(caller))],
        [("centres/{centreId:guid}/candidates", "Upload")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/candidates", caller => Task.FromResult(new Form([],
                ("file", "candidates.csv", System.Text.Encoding.UTF8.GetBytes($"candidate_number,first_name,last_name,date_of_birth\n{Unique()},Ben,Uploaded,2000-01-31\n")))))],
        [("centres/{centreId:guid}/candidates/{candidateId:guid}", "")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/candidates/{_ids.Candidate}", Fields(("extraTime", "0"), ("notes", "")))],
        [("centres/{centreId:guid}/sign-in-codes", "")] = [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/sign-in-codes", Fields())],
        [("centres/{centreId:guid}/staff", "Add")] =
        [
            new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/staff",
                caller => Fields(("email", $"{Unique().ToLowerInvariant()}@example.org"), ("displayName", "New Tutor"), ("roles", "tutor"))(caller)),
            // The external verifier's role is the operator's to give: the centre's exam officer is refused it on the merits.
            new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/staff",
                caller => Fields(("email", $"{Unique().ToLowerInvariant()}@example.org"), ("displayName", "Would-be Verifier"), ("roles", "externalverifier"))(caller),
                Merits: caller => caller is { Role: Role.Admin, AtOwningCentre: true }, Says: "only the platform operator grants or withdraws it"),
        ],
        [("centres/{centreId:guid}/staff", "Roles")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/staff", Fields(("userId", _objects.Staff.ToString()), ("roles", "tutor"), ("roles", "assessor")))],
        [("centres/{centreId:guid}/staff", "Reset")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/staff", Fields(("userId", _objects.Staff.ToString())))],
        [("centres/{centreId:guid}/staff", "Withdraw")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/staff", Fields(("userId", _objects.Invited.ToString())))],
        [("centres/{centreId:guid}/enrolments", "Enrol")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/enrolments", Fields(("unit", "FE6V 35"), ("numbers", _objects.Unenrolled)))],
        [("centres/{centreId:guid}/enrolments", "Agree")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/enrolments",
                Fields(("enrolmentId", _objects.Enrolment.ToString()), ("start", _objects.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("agreedWith", "the assessor")))],
        [("centres/{centreId:guid}/enrolments", "Extend")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/enrolments",
                Fields(("enrolmentId", _objects.Enrolment.ToString()), ("lastDay", _objects.Today.AddDays(70).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("reason", "Extra time for illness")))],
        // Registering the owning candidate for the test's qualification (registered already at set-up: nothing changes), and claiming
        // their certificate (refused on its merits: no unit is achieved).
        [("centres/{centreId:guid}/qualifications", "Register")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/qualifications", Fields(("qualification", Qualification), ("numbers", _objects.Registered)))],
        [("centres/{centreId:guid}/qualifications", "Claim")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/qualifications", Fields(("qualification", Qualification), ("candidateIds", _ids.Candidate.ToString())),
                Merits: caller => caller is { Role: Role.Admin, AtOwningCentre: true }, Says: "has not met the rules of")],
        [("centres/{centreId:guid}/sittings", "")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/sittings",
                Fields(("unit", "FE6V 35"), ("room", "Room 2"), ("day", _objects.Today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("time", "10:00"), ("duration", "60"),
                    ("invigilators", _objects.Invigilator.ToString())))],
        [("centres/{centreId:guid}/sittings/{sittingId:guid}", "")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Admin), $"/centres/{_ids.Centre}/sittings/{_ids.Sitting}", Fields(("numbers", _objects.Unbooked)))],
        [("verify/centres/{centreId:guid}/exports", "")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.Verifier, Role.ExternalVerifier), $"/verify/centres/{_ids.Centre}/exports",
                Fields(("unit", ""), ("from", _objects.Today.AddDays(-7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("to", _objects.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))))],
        // An author checks a unit (without importing it).
        [("tutor", "")] =
            [new(Step.AfterTheEndpoints, Rule.Anywhere(Role.Tutor) with { BodyAuthor = true }, "/tutor", _ => Task.FromResult(new Form([new("mode", "check")], ("file", "unit.zip", _objects.UnitZip))))],
        // The platform operator's page; what it changes is the test's own: a third centre, accounts made for the test.
        [("operator", "CreateCentre")] =
            [new(Step.AfterTheEndpoints, Rule.Operators, "/operator", caller =>
            {
                var number = Unique();
                return Fields(("number", number), ("name", "Created Centre"), ("timeZone", "Europe/London"), ("officerEmail", $"officer{number}@example.org"),
                    ("officerName", "New Officer"))(caller);
            })],
        [("operator", "Invite")] =
            [new(Step.AfterTheEndpoints, Rule.Operators, "/operator",
                caller => Fields(("centreId", _objects.Third.ToString()), ("officerEmail", $"{Unique().ToLowerInvariant()}@example.org"), ("officerName", "Invited Officer"))(caller))],
        [("operator", "Offer")] =
            [new(Step.AfterTheEndpoints, Rule.Operators, "/operator", Fields(("centreId", _objects.Third.ToString()), ("unit", _ids.BodyUnit), ("offer", "offer")))],
        [("operator", "Authoring")] =
            [new(Step.AfterTheEndpoints, Rule.Operators, "/operator", Fields(("email", _objects.StaffEmail), ("awardingBody", "SQA"), ("grant", "grant")))],
        [("operator", "ExternalVerifier")] =
            [new(Step.AfterTheEndpoints, Rule.Operators, "/operator",
                caller => Fields(("email", $"{Unique().ToLowerInvariant()}@example.org"), ("displayName", "External Verifier"), ("centreId", _objects.Third.ToString()), ("grant", "grant"))(caller))],
        // The owning centre's external verifier samples the judged evidence and the decided attempt (decided by the rows above), then
        // issues the report.
        [("external/centres/{centreId:guid}/samples/{kind:regex(^(attempt|evidence|unit)$)}/{subjectId:guid}", "")] =
        [
            new(Step.AfterTheEndpoints, Rule.Own(Role.ExternalVerifier), $"/external/centres/{_ids.Centre}/samples/evidence/{_ids.Submission}?version=1",
                Fields(("outcome", "agree"), ("comment", "Sound judgement"), ("actions", "Share the feedback practice"), ("due", ""))),
            new(Step.AfterTheEndpoints, Rule.Own(Role.ExternalVerifier), $"/external/centres/{_ids.Centre}/samples/attempt/{_objects.Marked}",
                Fields(("outcome", "disagree"), ("comment", "The marks are generous"))),
        ],
        [("external/centres/{centreId:guid}", "Issue")] =
            [new(Step.AfterTheEndpoints, Rule.At(Role.ExternalVerifier), $"/external/centres/{_ids.Centre}", Fields(("summary", "Two decisions sampled")))],
        [("operator", "Reset")] = [new(Step.AfterTheEndpoints, Rule.Operators, "/operator", Fields(("email", _objects.StaffEmail)))],
        // Each person accepts their own invitation (to a third centre); a candidate has none and cannot be invited.
        [("invitations", "Accept")] =
            [new(Step.ChangesRoles, Rule.SignedIn, "/invitations", Fields(("centreId", _objects.Third.ToString())),
                Merits: caller => caller.Role == Role.Candidate, Says: "There is no invitation to that centre waiting for you")],
        // Open to everyone: each call is a real reset or sign-in, to the test's own accounts.
        [("reset-password", "")] =
            [new(Step.ChangesWhoIsSignedIn, Rule.Open, "/reset-password", async _ => new Form(
                [new("signInName", _objects.ResetEmail), new("code", await ResetCodeAsync(_objects.ResetEmail)), new("newPassword", Centres.Password)]))],
        [("signin", "Staff")] =
            [new(Step.ChangesWhoIsSignedIn, Rule.Open, "/signin", Fields(("email", _objects.ResetEmail), ("password", Centres.Password)))],
        [("signin", "Candidate")] =
            [new(Step.ChangesWhoIsSignedIn, Rule.Open, "/signin",
                Fields(("centreNumber", _objects.ThirdNumber), ("candidateNumber", _objects.ThirdCandidate), ("secret", Centres.Password)))],
        // Single sign-on is not configured here: the handler answers "not found" to everyone alike (SingleSignOnTests try it).
        [("signin", "SingleSignOn")] = [new(Step.ChangesWhoIsSignedIn, Rule.Open, "/signin", Fields(("returnUrl", "/")))],
        [("signout", "")] = [new(Step.EndsSession, Rule.SignOut, "/signout", Fields())],
    };

    /// <summary>The objects the page handlers' calls act on, set up for them so that no call spoils another row.</summary>
    private sealed record Objects(string AccessCode, Guid Admitted, Guid Refused, Guid Marked, string Extended, Guid Staff, string StaffEmail, Guid Invited,
        string Unenrolled, string Unbooked, Guid Enrolment, Guid Third, string ThirdNumber, string ThirdCandidate, string ResetEmail, DateOnly Today, byte[] UnitZip, Guid Invigilator, int Run)
    {
        /// <summary>The owning candidate's number, registered for the test's qualification at set-up.</summary>
        public string Registered { get; init; } = "";

        /// <summary>A file in the owning candidate's draft of their evidence, beside the version judged already.</summary>
        public Guid DraftFile { get; init; }

        /// <summary>What the brief covers: the criteria a judgement names.</summary>
        public IReadOnlyList<string> Covers { get; init; } = [];
    }

    private const string EvidenceUploads = "/api/evidence/uploads";

    /// <summary>The test's qualification: the awarding body's unit, mandatory.</summary>
    private string Qualification => $"MXQ {_objects.Run}";

    private int _made;

    /// <summary>A new number for what a call creates (a candidate, a person, a centre): a repeated one would be refused.</summary>
    private string Unique() => $"N{_objects.Run}{Interlocked.Increment(ref _made):D3}";

    private sealed record Ids(Guid Centre, Guid Candidate, Guid Sitting, Guid Attempt, Guid Export, string BodyUnit, string BodyItem, string CentreUnit, string CentreItem)
    {
        /// <summary>The owning candidate's enrolment on FE6V 35 and a brief of it, their submission for it, a file of it, and an upload under way.</summary>
        public Guid Enrolment { get; init; }

        public string Brief { get; init; } = "";

        public Guid Submission { get; init; }

        public Guid EvidenceFile { get; init; }

        public Guid Upload { get; init; }

        /// <summary>A record the owning centre's assessor made, with a recording; a witness testimony's link.</summary>
        public Guid Record { get; init; }

        public string WitnessLink { get; init; } = "";
    }

    private static int _lastRun = Random.Shared.Next(1000, 8000);
    private EngineFactory _engine = null!;
    private readonly Dictionary<Caller, PageClient> _clients = [];
    private Ids _ids = new(Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, "", "", "", "");
    private Objects _objects = null!;

    public async Task InitializeAsync()
    {
        _engine = new EngineFactory(database.ConnectionString, roles: "web");
        var store = _engine.Services.GetRequiredService<IDocumentStore>();
        await _engine.StartedAsync();
        // Set up afresh for each test, in the class's one database: numbers must not repeat, so each test takes the next run
        // (a random draw per test repeated one in a few thousand runs, and the centre numbers built from it collided).
        var run = Interlocked.Increment(ref _lastRun);
        // The owning centre: a sitting of FE6V 35 now, its invigilator, its candidate's attempt in progress, an export.
        var sitting = await SittingNow.CreateAsync(_engine.Services, TimeProvider.System, candidates: 4, prefix: "OWN");
        var bodyUnit = $"MXB {run}";
        var owning = sitting.Centre with { OfferedUnits = [.. sitting.Centre.OfferedUnits ?? [], bodyUnit] };
        await using (var session = store.LightweightSession())
        {
            session.Store(owning);
            await session.SaveChangesAsync();
        }

        var other = await Centres.CentreAsync(store, $"1{run}2", "Other Centre", offers: []);
        var candidateHere = sitting.Candidates[0];
        var candidateThere = await Centres.CandidateAsync(store, other, "OTH0001");
        var attempt = await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, candidateHere);
        Guid export;
        using (var scope = _engine.Services.CreateScope())
        {
            export = (await scope.ServiceProvider.GetRequiredService<RequestExport>().HandleAsync(owning.Id, null, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-7)), DateOnly.FromDateTime(DateTime.UtcNow), new Acting("verifier@example.org", "192.0.2.1"))).Id;
            await scope.ServiceProvider.GetRequiredService<ExportMarksJob>().RunAsync(export, CancellationToken.None); // the workbook, as a worker makes it
        }

        // A unit of the awarding body (SQA), imported by the platform; and a unit of the owning centre's own bank.
        var centreUnit = $"MXC {run}";
        using (var bodyBank = ItemBank.BankFolder.SmallUnit(bodyUnit, items: 1))
        using (var centreBank = ItemBank.BankFolder.SmallUnit(centreUnit, items: 1))
        {
            await ImportItemBank.RunAsync(store, ItemBankLoader.Load([bodyBank.Root], bodyBank.Root), retireMissing: true, ImportRights.Platform, _ => "test", "test", TimeProvider.System);
            var centreOwner = BankOwners.ForCentre(owning.Id);
            await ImportItemBank.RunAsync(store, ItemBankLoader.Load([centreBank.Root], centreBank.Root), retireMissing: true,
                new ImportRights(new HashSet<string> { centreOwner }, centreOwner), _ => "test", "test", TimeProvider.System);
        }

        _objects = await ObjectsAsync(store, sitting, owning, run);
        _objects = _objects with { Registered = await QualificationAsync(store, owning, candidateHere, bodyUnit, run) };
        _ids = new Ids(owning.Id, candidateHere.Id, sitting.Sitting.Id, attempt.Id, export, bodyUnit, $"mxb{run}-1.1-001", centreUnit, $"mxc{run}-1.1-001");
        (_ids, _objects) = await EvidenceAsync(store, owning, candidateHere, _ids, _objects);

        _clients[new Caller(null, false)] = Client();
        var platform = Client();
        var operatorAccount = await Centres.OperatorAsync(store, $"operator{run}@example.org");
        var invitees = new List<string> { operatorAccount.SignInName };
        using (var signedIn = await platform.SignInAsStaffAsync(operatorAccount.SignInName, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        _clients[new Caller(null, false, Operator: true)] = platform;
        var author = Client();
        var authorAccount = await Centres.AuthorAsync(store, $"author{run}@sqa.example.org", BankOwners.ForAwardingBody("SQA"));
        invitees.Add(authorAccount.SignInName);
        using (var signedIn = await author.SignInAsStaffAsync(authorAccount.SignInName, Centres.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        _clients[new Caller(null, false, BodyAuthor: true)] = author;
        foreach (var role in Roles.All)
        {
            foreach (var (centre, here) in new[] { (owning, true), (other, false) })
            {
                var client = Client();
                if (role == Role.Candidate)
                {
                    var number = here ? candidateHere.CandidateNumber : candidateThere.CandidateNumber;
                    using var signedIn = await client.SignInAsCandidateAsync(centre.Number, number, Centres.Password);
                    Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
                }
                else
                {
                    // The owning centre's invigilator is the one on its sitting.
                    var email = role == Role.Invigilator && here ? sitting.Invigilator.SignInName : $"{role.Name()}@{centre.Number}.example.org";
                    if (!(role == Role.Invigilator && here))
                    {
                        await Centres.StaffAsync(store, centre, email, role);
                    }

                    invitees.Add(email);
                    using var signedIn = await client.SignInAsStaffAsync(email, Centres.Password);
                    Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
                }

                _clients[new Caller(role, here)] = client;
            }
        }

        // Everyone but the candidates is invited to the third centre, to accept it on its row.
        using var invite = _engine.Services.CreateScope();
        foreach (var email in invitees)
        {
            await invite.ServiceProvider.GetRequiredService<CentreRegistry>().AddStaffAsync(_objects.Third, email, "Invited", [Role.Tutor], Officer);
        }
    }

    private static readonly Acting Officer = new("officer@example.org", "192.0.2.1");

    /// <summary>
    /// The owning centre's other candidates in the sitting (one submitted and marked, one waiting to be admitted, one to be refused),
    /// a member of staff and an invitation for the exam officer's handlers, candidates to enrol, book and agree a window for, a third
    /// centre that invites everyone, and the accounts the open pages reset and sign in to.
    /// </summary>
    private async Task<Objects> ObjectsAsync(IDocumentStore store, SittingNow sitting, Centre owning, int run)
    {
        using var scope = _engine.Services.CreateScope();
        var services = scope.ServiceProvider;
        var submitted = await services.GetRequiredService<SubmitAttempt>().HandleAsync(
            await AttemptBuilder.InProgressAsync(_engine.Services, sitting.Sitting, sitting.Candidates[1]), "candidate");
        var marker = await Centres.StaffAsync(store, owning, $"marker{run}@example.org", Role.Assessor);
        var markerClaims = EngineClaims.For(marker, "test", TimeProvider.System.GetUtcNow());
        var marked = await services.GetRequiredService<MarkedAttempts>().LoadAsync(submitted.Id, Role.Assessor, markerClaims);
        var extended = submitted.Form!.Items.Select(i => i.ItemId).Where(id => marked.Items[id].Type == ItemType.Extended).ToList();
        Assert.NotEmpty(extended);
        foreach (var item in extended)
        {
            await services.GetRequiredService<MarkResponse>().HandleAsync(submitted.Id, item, 0, null, new Staff(marker.Id, marker.SignInName), markerClaims);
        }

        await AttemptBuilder.CheckedInAsync(_engine.Services, sitting.Sitting, sitting.Candidates[2]);
        await AttemptBuilder.CheckedInAsync(_engine.Services, sitting.Sitting, sitting.Candidates[3]);

        var staff = await Centres.StaffAsync(store, owning, $"staff{run}@example.org", Role.Tutor);
        var other = await Centres.CentreAsync(store, $"5{run}6", "Inviting Centre", offers: []);
        var invited = await Centres.StaffAsync(store, other, $"invited{run}@example.org", Role.Tutor);
        await services.GetRequiredService<CentreRegistry>().AddStaffAsync(owning.Id, invited.SignInName, "Invited", [Role.Assessor], Officer);

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(TimeProvider.System.GetUtcNow(), owning.Zone).DateTime);
        var unenrolled = await Centres.CandidateAsync(store, owning, $"UNE{run}");
        var unbooked = await Centres.CandidateAsync(store, owning, $"UNB{run}");
        var unagreed = await Centres.CandidateAsync(store, owning, $"UNA{run}");
        await services.GetRequiredService<EnrolCandidates>().HandleAsync(owning.Id, "FE6V 35", [unbooked.Id, unagreed.Id], Officer);
        Guid enrolment;
        await using (var query = store.QuerySession())
        {
            var both = await query.Query<Enrolment>().Where(e => e.CandidateId == unbooked.Id || e.CandidateId == unagreed.Id).ToListAsync();
            await services.GetRequiredService<AgreeWindow>().HandleAsync(owning.Id, both.Single(e => e.CandidateId == unbooked.Id).Id, today, "the assessor", Officer);
            enrolment = both.Single(e => e.CandidateId == unagreed.Id).Id;
        }

        var third = await Centres.CentreAsync(store, $"3{run}4", "Third Centre", offers: []);
        var thirdCandidate = await Centres.CandidateAsync(store, third, "THI0001");
        var reset = await Centres.StaffAsync(store, third, $"reset{run}@example.org", Role.Tutor);
        byte[] zip;
        using (var unit = ItemBank.BankFolder.SmallUnit($"MXZ {run}", items: 1))
        using (var buffer = new MemoryStream())
        {
            await System.IO.Compression.ZipFile.CreateFromDirectoryAsync(unit.Root, buffer);
            zip = buffer.ToArray();
        }

        return new Objects(sitting.Sitting.AccessCode ?? "", sitting.Candidates[2].Id, sitting.Candidates[3].Id, submitted.Id, extended[0], staff.Id, staff.SignInName,
            invited.Id, unenrolled.CandidateNumber, unbooked.CandidateNumber, enrolment, third.Id, third.Number, thirdCandidate.CandidateNumber, reset.SignInName,
            today, zip, sitting.Invigilator.Id, run);
    }

    /// <summary>
    /// The owning candidate's evidence for a brief of FE6V 35: version 1 submitted and judged, a file in the draft since, and an
    /// upload under way (100 bytes announced, none sent).
    /// </summary>
    private async Task<(Ids, Objects)> EvidenceAsync(IDocumentStore store, Centre owning, Candidate candidate, Ids ids, Objects objects)
    {
        await using var session = store.LightweightSession();
        var enrolment = await session.Query<Enrolment>().SingleAsync(e => e.CandidateId == candidate.Id && e.UnitCode == "FE6V 35");
        var unit = (await session.LoadAsync<BankUnit>("FE6V 35"))!;
        var brief = unit.Briefs![0];
        var submissionId = Submission.IdFor(enrolment.Id, brief.Id);
        var files = _engine.Services.GetRequiredService<IEvidenceFileStore>();
        EvidenceFile Stored(string name) => new(Guid.NewGuid(), name, EvidenceKind.Pdf, 9, "", null, ScanState.NotScanned);
        var (submitted, draft) = (Stored("report.pdf"), Stored("plan.pdf"));
        foreach (var file in new[] { submitted, draft })
        {
            using var content = new MemoryStream("%PDF-1.7\n"u8.ToArray());
            await files.AppendAsync(file.Id, 0, content, 9, CancellationToken.None);
        }

        var now = DateTimeOffset.UtcNow;
        EvidenceFileAdded Added(EvidenceFile file) => new(submissionId, enrolment.Id, candidate.Id, owning.Id, unit.Id, brief.Id, file, "candidate", now);
        session.Events.StartStream<Submission>(submissionId, Added(submitted),
            new EvidenceSubmitted(submissionId, owning.Id, 1, [submitted.Id], new BriefRevision(brief.Id, brief.ContentHash, brief.Title, brief.Html), SubmissionDecisions.Declaration,
                "candidate", "192.0.2.1", now),
            new EvidenceJudged(submissionId, owning.Id, 1, brief.Covers.Select(c => new CriterionJudgement(c, true, "")).ToList(), "Good", "assessor", "192.0.2.1", now),
            Added(draft));
        var upload = new EvidenceUpload(Guid.NewGuid(), submissionId, enrolment.Id, brief.Id, candidate.Id, "slides.pptx", 100, now);
        session.Store(upload);

        // What the assessor gathered: a discussion with its recording, and a witness testimony whose link the matrix knows.
        var audio = new AudioRecording(Guid.NewGuid(), "discussion.mp3", EvidenceKind.Mp3, 10);
        using (var content = new MemoryStream("ID3\u0004\0\0\0\0\0\0"u8.ToArray()))
        {
            await files.AppendAsync(audio.FileId, 0, content, 10, CancellationToken.None);
        }

        AssessorEvidenceRecorded Recorded(Guid id, RecordKind kind, AudioRecording? recording, Witness? witness, string? link) =>
            new(id, kind, enrolment.Id, candidate.Id, owning.Id, unit.Id, DateOnly.FromDateTime(now.UtcDateTime), "Matrix", "An account", ["1.1"], recording, witness,
                link is null ? null : AssessorRecords.HashOf(link), "assessor", "192.0.2.1", now);
        var (discussion, testimony, link) = (Guid.CreateVersion7(), Guid.CreateVersion7(), $"matrix-{Guid.NewGuid():N}");
        session.Events.StartStream<AssessorRecord>(discussion, Recorded(discussion, RecordKind.ProfessionalDiscussion, audio, null, null));
        session.Events.StartStream<AssessorRecord>(testimony, Recorded(testimony, RecordKind.WitnessTestimony, null, new Witness("Pat", "Manager", "Line manager"), link));
        await session.SaveChangesAsync();
        return (ids with { Enrolment = enrolment.Id, Brief = brief.Id, Submission = submissionId, EvidenceFile = submitted.Id, Upload = upload.Id, Record = discussion, WitnessLink = link },
            objects with { DraftFile = draft.Id, Covers = brief.Covers });
    }

    /// <summary>A reset code for the account, as the platform operator issues it; each is used once.</summary>
    /// <summary>A qualification of the awarding body's unit, imported as the bank imports it, with the owning candidate registered for it.</summary>
    private async Task<string> QualificationAsync(IDocumentStore store, Centre owning, Candidate candidate, string unit, int run)
    {
        var qualification = new Qualification($"MXQ {run}", "Matrix qualification", "SQA", "SVQ 4", [new QualificationGroup("Mandatory", null, null, [unit], [])],
            new Dictionary<string, int>(), null, "test.txt:1", "qualifications/mxq.md", "<p>For the matrix.</p>");
        await using (var session = store.LightweightSession())
        {
            session.Store(BankQualification.From(qualification, DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        using var scope = _engine.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RegisterCandidates>().HandleAsync(owning.Id, qualification.Code, [candidate.CandidateNumber], Officer);
        return candidate.CandidateNumber;
    }

    private async Task<string> ResetCodeAsync(string email)
    {
        using var scope = _engine.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<PlatformOperator>().IssueResetAsync(email, Officer)).Code;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _engine.DisposeAsync();
    }

    private PageClient Client() => new(_engine.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));

    [Fact]
    public void Every_endpoint_has_a_row_in_the_matrix()
    {
        var missing = Templates().Where(t => !Matrix.ContainsKey(t) && !Expanded.ContainsKey(t)).ToList();
        Assert.True(missing.Count == 0, "endpoints with no authorisation rule in the matrix: " + string.Join(", ", missing));
        var stale = Matrix.Keys.Concat(Expanded.Keys).Except(Templates()).ToList();
        Assert.True(stale.Count == 0, "matrix rows for endpoints that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task Every_page_handler_has_a_row_in_the_matrix()
    {
        var handlers = await PageHandlersAsync();
        Assert.True(handlers.Count > 30, $"only {handlers.Count} page handlers were found");
        var missing = handlers.Where(h => !Posts.ContainsKey(h)).Select(h => $"{h.Template}?handler={h.Handler}").ToList();
        Assert.True(missing.Count == 0, "page handlers with no calls in the matrix: " + string.Join(", ", missing));
        var stale = Posts.Keys.Except(handlers).Select(h => $"{h.Template}?handler={h.Handler}").ToList();
        Assert.True(stale.Count == 0, "matrix rows for page handlers that no longer exist: " + string.Join(", ", stale));
        var posted = Matrix.Where(m => m.Value.Methods.Contains("POST") && handlers.Any(h => h.Template == m.Key)).Select(m => m.Key).ToList();
        Assert.True(posted.Count == 0, "pages whose POSTs are rows of the endpoint table, not of Posts: " + string.Join(", ", posted));
    }

    [Fact]
    public async Task Every_endpoint_allows_exactly_the_callers_the_matrix_names()
    {
        var wrong = new List<string>();
        var calls = 0;
        // The job dashboard is middleware, not an endpoint: every centre's jobs, the platform operator's alone.
        foreach (var (caller, client) in _clients)
        {
            using var response = await client.Http.GetAsync(new Uri("/jobs", UriKind.Relative));
            calls++;
            var allowed = caller.Operator;
            if (allowed != (response.StatusCode == HttpStatusCode.OK))
            {
                wrong.Add($"GET /jobs as {caller}: expected {(allowed ? "allowed" : "refused")}, got {(int)response.StatusCode}");
            }
        }

        var posts = Posts.SelectMany(p => p.Value.Select(call => (Handler: p.Key.Handler, Call: call))).OrderBy(p => p.Call.Step).ToList();
        foreach (var (handler, call) in posts.Where(p => p.Call.Step == Step.WhileTheAttemptRuns))
        {
            calls += await PostAsync(handler, call, wrong);
        }

        var rows = Matrix.Where(m => Templates().Contains(m.Key))
            .SelectMany(m => m.Value.Paths(_ids).SelectMany(path => m.Value.Methods.Select(method => (m.Value.Rule, Method: method, Path: path))))
            .Concat(Expanded.Values.SelectMany(expanded => expanded.SelectMany(row => row.Methods.Select(method => (row.Rule, Method: method, row.Path)))));
        foreach (var (rule, method, path) in rows)
        {
            calls += await Check(rule, method, path, wrong);
        }

        foreach (var (handler, call) in posts.Where(p => p.Call.Step != Step.WhileTheAttemptRuns))
        {
            calls += await PostAsync(handler, call, wrong);
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} of {calls} calls were wrong:\n" + string.Join("\n", wrong));
        Assert.True(calls > 800, $"only {calls} calls were made");
    }

    private async Task<int> Check(Rule rule, string method, string path, List<string> wrong)
    {
        var calls = 0;
        foreach (var (caller, client) in _clients)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (path.StartsWith(EvidenceUploads, StringComparison.Ordinal))
            {
                // The upload script's requests: tus headers, and the token of a page the caller has.
                request.Headers.Add("Tus-Resumable", "1.0.0");
                request.Headers.Add("RequestVerificationToken", await TokenAsync(client, $"/candidate/evidence/{_ids.Enrolment}/{_ids.Brief}"));
                if (method == "POST")
                {
                    static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
                    request.Headers.Add("Upload-Length", "100");
                    request.Headers.Add("Upload-Metadata", $"filename {B64("notes.pdf")},enrolment {B64(_ids.Enrolment.ToString())},brief {B64(_ids.Brief)}");
                }
                else if (method == "PATCH")
                {
                    request.Headers.Add("Upload-Offset", "0");
                    request.Content = new ByteArrayContent("%PDF-1.7\n"u8.ToArray());
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
                }
            }
            else if (method == "POST" && path.StartsWith("/api/", StringComparison.Ordinal))
            {
                // The test page's requests: JSON, with the token of a page the caller has (the test page's meta tag, or any other).
                request.Content = new StringContent(ApiBody(path), System.Text.Encoding.UTF8, "application/json");
                request.Headers.Add("RequestVerificationToken", await TokenAsync(client, $"/candidate/attempts/{_ids.Attempt}/test"));
            }

            using var response = await client.Http.SendAsync(request);
            calls++;
            Judge(rule, caller, $"{method} {path}", response, await response.Content.ReadAsStringAsync(), null, wrong);
        }

        return calls;
    }

    /// <summary>A body the test page would send: the page that opened the attempt, and no changes.</summary>
    private static string ApiBody(string path) => path.Split('/')[^1] switch
    {
        "open" or "submit" => """{"page":"matrix"}""",
        "answers" => """{"page":"matrix","changes":[{"sequence":1,"item":1,"flagged":true}]}""",
        "admit" => """{"identityChecked":true}""",
        "refuse" => """{"reason":"No photographic identification"}""",
        _ => "{}",
    };

    /// <summary>
    /// Posts the handler's form as each caller's browser does: with the antiforgery token of the page that shows the form when the
    /// caller may open it, else of a page they can reach (the sign-in page), so that a refused caller is refused by authorisation and
    /// not for want of a token.
    /// </summary>
    private async Task<int> PostAsync(string handler, PagePost call, List<string> wrong)
    {
        var calls = 0;
        var action = handler.Length == 0 ? call.Path : $"{call.Path}{(call.Path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}handler={handler}";
        foreach (var (caller, client) in _clients)
        {
            calls++;
            if (call.Rule.EndsSession)
            {
                await SignOutAsync(caller, client, wrong);
                continue;
            }

            var token = await TokenAsync(client, call.Path);
            var form = await call.Form(caller);
            var fields = form.Fields.Append(new KeyValuePair<string, string>("__RequestVerificationToken", token));
            using HttpContent content = form.File is { } file
                ? Multipart(fields, file)
                : new FormUrlEncodedContent(fields);
            using var response = await client.Http.PostAsync(new Uri(action, UriKind.Relative), content);
            var merits = call.Merits?.Invoke(caller) == true ? call.Says : null;
            Judge(call.Rule, caller, $"POST {action}", response, await response.Content.ReadAsStringAsync(), merits, wrong);
        }

        return calls;
    }

    private static MultipartFormDataContent Multipart(IEnumerable<KeyValuePair<string, string>> fields, (string Field, string Name, byte[] Bytes) file)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        content.Add(new ByteArrayContent(file.Bytes), file.Field, file.Name);
        return content;
    }

    private static async Task<string> TokenAsync(PageClient client, string page)
    {
        var token = await client.TokenOnAsync(page) ?? await client.TokenOnAsync("/signin");
        Assert.True(token is not null, $"no antiforgery token on {page} nor on /signin");
        return token;
    }

    /// <summary>
    /// Allowed: neither refused by authorisation nor a 400 (with a real token and a plausible form, a 400 is the test's own bad request,
    /// or the handler refusing on the merits where the row says it must). Refused: 401, 403, a redirect to sign in or to "denied",
    /// or "not found" where the row names an object of the owning centre. Never a server error.
    /// </summary>
    private static void Judge(Rule rule, Caller caller, string call, HttpResponseMessage response, string body, string? merits, List<string> wrong)
    {
        var status = (int)response.StatusCode;
        var got = $"{status} {response.Headers.Location}{(status == 400 ? " " + Shorten(body) : "")}";
        if (status >= 500)
        {
            wrong.Add($"{call} as {caller}: server error {got}");
            return;
        }

        var refused = Refused(response) || (rule.OwnObject && response.StatusCode == HttpStatusCode.NotFound);
        if (!rule.Allows(caller))
        {
            if (!refused)
            {
                wrong.Add($"{call} as {caller}: expected refused, got {got}");
            }
        }
        else if (merits is not null)
        {
            if (response.StatusCode != HttpStatusCode.BadRequest || !body.Contains(merits, StringComparison.Ordinal))
            {
                wrong.Add($"{call} as {caller}: expected the handler to refuse it on its merits (\"{merits}\"), got {got}");
            }
        }
        else if (refused || response.StatusCode == HttpStatusCode.BadRequest)
        {
            wrong.Add($"{call} as {caller}: expected allowed, got {got}");
        }
    }

    private static string Shorten(string body)
    {
        var problem = Regex.Match(body, "role=\"alert\"[^>]*>(.*?)</div>", RegexOptions.Singleline);
        var text = Regex.Replace(problem.Success ? problem.Groups[1].Value : body, "<[^>]+>", " ");
        return text[..Math.Min(text.Length, 300)].ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Presses Sign out as the caller's page shows it (anonymous callers have none: they post the sign-in page's token), and
    /// checks that it succeeded and that the caller is signed out afterwards.
    /// </summary>
    private static async Task SignOutAsync(Caller caller, PageClient client, List<string> wrong)
    {
        // By now every caller is signed in (the rows before sign in to the test's own accounts), so each presses the button.
        using var signedOut = await client.SignOutFromAsync("/signout");
        using var after = await client.Http.GetAsync(new Uri("/", UriKind.Relative));
        if (signedOut.StatusCode != HttpStatusCode.Redirect || signedOut.Headers.Location?.OriginalString != "/signout")
        {
            wrong.Add($"POST /signout as {caller}: expected a sign-out, got {(int)signedOut.StatusCode} {signedOut.Headers.Location}");
        }
        else if (!Refused(after))
        {
            wrong.Add($"POST /signout as {caller}: answered a sign-out but the caller is still signed in (GET / answered {(int)after.StatusCode})");
        }
    }

    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString is { } location
            && (location.Contains("/signin?", StringComparison.Ordinal) || location.Contains("/denied", StringComparison.Ordinal)));

    private HashSet<string> Templates() => _engine.Services.GetRequiredService<EndpointDataSource>().Endpoints
        .OfType<RouteEndpoint>()
        .Select(e => (e.RoutePattern.RawText ?? "").Trim('/'))
        .ToHashSet();

    /// <summary>
    /// Every POST handler of every page model in the engine, found by reflection (OnPost, OnPost{Name}, OnPost{Name}Async) and named
    /// by the route template of its page, which the page's endpoint gives once the page is loaded.
    /// </summary>
    private async Task<HashSet<(string Template, string Handler)>> PageHandlersAsync()
    {
        var loader = _engine.Services.GetRequiredService<PageLoader>();
        var routes = new Dictionary<Type, string>();
        foreach (var endpoint in _engine.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                routes[compiled.ModelTypeInfo!.AsType()] = (endpoint.RoutePattern.RawText ?? "").Trim('/');
            }
        }

        var models = typeof(Features.Identity.Pages.SignInModel).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(PageModel)) && !t.IsAbstract).ToList();
        var unrouted = models.Where(m => !routes.ContainsKey(m)).Select(m => m.Name).ToList();
        Assert.True(unrouted.Count == 0, "page models with no page route: " + string.Join(", ", unrouted));
        return models
            .SelectMany(model => model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(method => PostHandler().Match(method.Name))
                .Where(match => match.Success)
                .Select(match => (routes[model], match.Groups["name"].Value)))
            .ToHashSet();
    }

    [GeneratedRegex("^OnPost(?<name>\\w*?)(Async)?$")]
    private static partial Regex PostHandler();
}
