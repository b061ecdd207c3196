"""Register, sign in, sign out and the account page."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from urbanchallenge.accounts import services
from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role
from urbanchallenge.accounts.signin import signed_in_redirect
from urbanchallenge.auth import requires, safe_next, signed_in_user
from urbanchallenge.middleware import expired_session_cookie
from urbanchallenge.validation import ValidationFailed, whole_number
from urbanchallenge.web import client_ip, form_data, render

KIND_SLUGS = {"public-body": OrganisationKind.PUBLIC_BODY, "start-up": OrganisationKind.STARTUP}


async def register_start(request: Request) -> Response:
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = await form_data(request)
        kind = data.get("kind", "")
        if kind in KIND_SLUGS:
            return RedirectResponse(
                request.url_for("accounts:register", kind=kind).path, status_code=303
            )
        errors["kind"] = "Select whether you are registering a public body or a start-up"
    return render(
        request, "accounts/register_start.html", {"errors": errors}, 400 if errors else 200
    )


async def register(request: Request) -> Response:
    slug = request.path_params["kind"]
    kind = KIND_SLUGS.get(slug)
    if kind is None:
        raise HTTPException(404)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = await form_data(request)
        try:
            user = await services.register(kind, values)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            return await signed_in_redirect(
                request, user, request.url_for("accounts:account").path + "?welcome=1"
            )
    values.pop("password", None)
    return render(
        request,
        "accounts/register.html",
        {
            "kind": kind,
            "slug": slug,
            "values": values,
            "errors": errors,
            "regions": services.REGIONS,
        },
        400 if errors else 200,
    )


async def sign_in(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"), "")
    errors: dict[str, str] = {}
    email = ""
    status = 200
    if request.method == "POST":
        data = await form_data(request)
        email = data.get("email", "").strip()
        next_url = safe_next(data.get("next"), "")
        password = data.get("password", "")
        if not email:
            errors["email"] = "Enter your email address"
        if not password:
            errors["password"] = "Enter your password"  # noqa: S105 - a message, not a secret
        if not errors:
            result = await services.sign_in(
                email, password, client_ip(request), request.app.state.settings
            )
            if result.user is not None:
                return await signed_in_redirect(
                    request, result.user, next_url or request.url_for("accounts:account").path
                )
            if result.locked:
                status = 429
                errors["email"] = (
                    "There have been too many attempts to sign in. Wait 15 minutes, then try again"
                )
            else:
                errors["email"] = "Enter a correct email address and password"
        status = status if status != 200 else 400
    return render(
        request,
        "accounts/sign_in.html",
        {"errors": errors, "email": email, "next": next_url},
        status,
    )


async def sign_out(request: Request) -> Response:
    token = request.scope.get("session_token")
    if token:
        await services.end_session(token)
    response = RedirectResponse(request.url_for("accounts:signed_out").path, status_code=303)
    response.headers.append("set-cookie", expired_session_cookie(request.app.state.settings))
    return response


async def signed_out(request: Request) -> Response:
    return render(request, "accounts/signed_out.html")


@requires()
async def account(request: Request) -> Response:
    user = signed_in_user(request)
    organisation = (
        await Organisation.get_or_none(id=user.organisation_id) if user.organisation_id else None
    )
    return render(
        request,
        "accounts/account.html",
        {
            "user": user,
            "organisation": organisation,
            "welcome": request.query_params.get("welcome") == "1",
            "password_changed": request.query_params.get("password") == "changed",
            "organisation_saved": request.query_params.get("organisation") == "saved",
        },
    )


@requires()
async def change_password(request: Request) -> Response:
    user = signed_in_user(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = await form_data(request)
        try:
            await services.change_password(user, data)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            # Every session, this one included, ended: start a fresh one for this browser.
            return await signed_in_redirect(
                request, user, request.url_for("accounts:account").path + "?password=changed"
            )
    return render(
        request, "accounts/change_password.html", {"errors": errors}, 400 if errors else 200
    )


@requires(Role.COUNCIL_OFFICER, Role.STARTUP_MEMBER)
async def organisation(request: Request) -> Response:
    user = signed_in_user(request)
    org = await Organisation.get(id=user.organisation_id)
    errors: dict[str, str] = {}
    values = {"region": org.region, "website": org.website, "description": org.description}
    if request.method == "POST":
        values = await form_data(request)
        try:
            await services.update_organisation(user, values)
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            return RedirectResponse(
                request.url_for("accounts:account").path + "?organisation=saved", status_code=303
            )
    return render(
        request,
        "accounts/organisation.html",
        {"organisation": org, "values": values, "errors": errors, "regions": services.REGIONS},
        400 if errors else 200,
    )


@requires(Role.ADMIN)
async def bodies(request: Request) -> Response:
    """Public bodies that registered themselves, waiting for the service team to verify them."""
    # the banner names the body just verified, read back from the database by its id
    done = whole_number(request.query_params.get("verified", ""))
    verified = (
        await Organisation.get_or_none(
            id=done, kind=OrganisationKind.PUBLIC_BODY, awaiting_verification=False
        )
        if done is not None
        else None
    )
    return render(
        request,
        "accounts/bodies.html",
        {"waiting": await services.bodies_awaiting_verification(), "verified": verified},
    )


@requires(Role.ADMIN)
async def verify_body(request: Request) -> Response:
    """Verify one public body, then back to the list with the body's name in the banner."""
    await form_data(request)
    body, _ = await services.verify_body(
        str(request.path_params["id"]), actor=signed_in_user(request)
    )
    target = request.url_for("accounts:bodies").path
    return RedirectResponse(f"{target}?verified={body.id}", status_code=303)
