from starlette.routing import Route

from urbanchallenge.accounts import views

routes = [
    Route("/register", views.register_start, methods=["GET", "POST"], name="register_start"),
    Route("/register/{kind}", views.register, methods=["GET", "POST"], name="register"),
    Route("/sign-in", views.sign_in, methods=["GET", "POST"], name="sign_in"),
    Route("/sign-out", views.sign_out, methods=["POST"], name="sign_out"),
    Route("/signed-out", views.signed_out, name="signed_out"),
    Route("/account", views.account, name="account"),
    Route("/account/password", views.change_password, methods=["GET", "POST"], name="password"),
    Route(
        "/account/organisation", views.organisation, methods=["GET", "POST"], name="organisation"
    ),
    Route("/admin/bodies", views.bodies, name="bodies"),
    Route("/admin/bodies/{id:int}/verify", views.verify_body, methods=["POST"], name="verify"),
]
