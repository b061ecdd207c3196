from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "organisation" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(160) NOT NULL,
    "name_key" VARCHAR(160) NOT NULL UNIQUE,
    "kind" VARCHAR(20) NOT NULL /* PUBLIC_BODY: public_body\nSTARTUP: startup */,
    "region" VARCHAR(80) NOT NULL,
    "website" VARCHAR(300) NOT NULL,
    "description" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "sign_in_failure" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "ip_address" VARCHAR(45) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* One failed sign-in, counted per account and per address over a sliding window. */;
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_email_5cb491" ON "sign_in_failure" ("email");
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_ip_addr_0bb7fe" ON "sign_in_failure" ("ip_address");
CREATE INDEX IF NOT EXISTS "idx_sign_in_fai_created_2030fc" ON "sign_in_failure" ("created_at");
CREATE TABLE IF NOT EXISTS "user_account" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "name" VARCHAR(120) NOT NULL,
    "password_hash" VARCHAR(200) NOT NULL,
    "role" VARCHAR(20) NOT NULL /* COUNCIL_OFFICER: council_officer\nSTARTUP_MEMBER: startup_member\nREVIEWER: reviewer\nADMIN: admin */,
    "is_active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_sign_in_at" TIMESTAMP,
    "organisation_id" INT REFERENCES "organisation" ("id") ON DELETE RESTRICT
);
CREATE TABLE IF NOT EXISTS "api_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
) /* A Bearer token for the JSON API. Like sessions, only the token's SHA-256 is stored. */;
CREATE TABLE IF NOT EXISTS "user_session" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "last_seen_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "ip_address" VARCHAR(45) NOT NULL,
    "user_agent" VARCHAR(300) NOT NULL,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE CASCADE
) /* A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */;
CREATE INDEX IF NOT EXISTS "idx_user_sessio_expires_adab17" ON "user_session" ("expires_at");
CREATE TABLE IF NOT EXISTS "challenge" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "summary" VARCHAR(300) NOT NULL,
    "problem" TEXT NOT NULL,
    "outcomes" TEXT NOT NULL,
    "service_area" VARCHAR(30) NOT NULL /* TRANSPORT: transport\nADULT_SOCIAL_CARE: adult_social_care\nWASTE: waste\nHOUSING: housing\nAIR_QUALITY: air_quality\nHEALTH: health\nJUSTICE: justice\nDIGITAL_INCLUSION: digital_inclusion\nENERGY: energy */,
    "location" VARCHAR(120) NOT NULL,
    "budget_gbp" BIGINT NOT NULL,
    "opens_at" TIMESTAMP NOT NULL,
    "closes_at" TIMESTAMP NOT NULL,
    "published_at" TIMESTAMP,
    "shortlisting_at" TIMESTAMP,
    "decided_at" TIMESTAMP,
    "withdrawn_at" TIMESTAMP,
    "outcome" VARCHAR(20) /* AWARDED: awarded\nNOT_AWARDED: not_awarded */,
    "decision_reason" TEXT NOT NULL,
    "blind_panel" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "created_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "organisation_id" INT NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_challenge_organis_f473bf" UNIQUE ("organisation_id", "title")
);
CREATE INDEX IF NOT EXISTS "idx_challenge_service_8ea3e3" ON "challenge" ("service_area");
CREATE INDEX IF NOT EXISTS "idx_challenge_closes__a6991a" ON "challenge" ("closes_at");
CREATE TABLE IF NOT EXISTS "clarification" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "author_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE
) /* A public, dated note added by the owning body after the challenge opened. */;
CREATE TABLE IF NOT EXISTS "criterion" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" TEXT NOT NULL,
    "weight" INT NOT NULL,
    "position" INT NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_criterion_challen_767fa3" UNIQUE ("challenge_id", "name")
) /* An evaluation criterion; a challenge's weights sum to 100. */;
CREATE TABLE IF NOT EXISTS "eligibility_question" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "question" VARCHAR(300) NOT NULL,
    "knockout_answer" INT NOT NULL,
    "position" INT NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE
) /* A yes-or-no question; answering ``knockout_answer`` rules a proposal out. */;
CREATE TABLE IF NOT EXISTS "proposal" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "summary" TEXT NOT NULL,
    "approach" TEXT NOT NULL,
    "impact" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "cost_gbp" BIGINT,
    "timeline" TEXT NOT NULL,
    "submitted_at" TIMESTAMP,
    "withdrawn_at" TIMESTAMP,
    "awarded_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE RESTRICT,
    "created_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "organisation_id" INT NOT NULL REFERENCES "organisation" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_proposal_challen_69e4cd" UNIQUE ("challenge_id", "organisation_id")
);
CREATE TABLE IF NOT EXISTS "eligibility_answer" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "answer" INT NOT NULL,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    "question_id" INT NOT NULL REFERENCES "eligibility_question" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_eligibility_proposa_7d317a" UNIQUE ("proposal_id", "question_id")
);
CREATE TABLE IF NOT EXISTS "conflict_declaration" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "has_conflict" INT NOT NULL,
    "reason" TEXT NOT NULL,
    "declared_at" TIMESTAMP NOT NULL,
    "member_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_conflict_de_proposa_6f0f82" UNIQUE ("proposal_id", "member_id")
) /* A member's declaration on one shortlisted proposal: no conflict, or one with a reason. */;
CREATE TABLE IF NOT EXISTS "panel_invitation" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "expires_at" TIMESTAMP NOT NULL,
    "accepted_at" TIMESTAMP,
    "accepted_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "invited_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_panel_invit_challen_d11f99" UNIQUE ("challenge_id", "email")
) /* An invitation to join a panel; its one-time link carries a token whose hash is kept. */;
CREATE TABLE IF NOT EXISTS "panel_member" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "added_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_panel_membe_challen_f039c3" UNIQUE ("challenge_id", "user_id")
);
CREATE TABLE IF NOT EXISTS "score" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "score" SMALLINT NOT NULL,
    "comment" TEXT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "submitted_at" TIMESTAMP,
    "criterion_id" INT NOT NULL REFERENCES "criterion" ("id") ON DELETE CASCADE,
    "member_id" INT NOT NULL REFERENCES "user_account" ("id") ON DELETE RESTRICT,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_score_proposa_8bc3f9" UNIQUE ("proposal_id", "member_id", "criterion_id")
) /* One member's score (0-10) and comment on one criterion of one proposal. */;
CREATE TABLE IF NOT EXISTS "shortlist_entry" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "added_by_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_shortlist_e_challen_6099cc" UNIQUE ("challenge_id", "proposal_id")
);
CREATE TABLE IF NOT EXISTS "index_state" (
    "name" VARCHAR(40) NOT NULL PRIMARY KEY,
    "version" INT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* The version of a shared index, so every app instance knows when to rebuild its copy. */;
CREATE TABLE IF NOT EXISTS "match_job" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "target_id" INT NOT NULL,
    "requested_at" TIMESTAMP NOT NULL,
    "started_at" TIMESTAMP,
    "attempts" INT NOT NULL,
    "last_error" TEXT NOT NULL,
    CONSTRAINT "uid_match_job_kind_9f14bb" UNIQUE ("kind", "target_id")
) /* A request to recompute scores: for one challenge's proposals, or one start-up's fits. */;
CREATE TABLE IF NOT EXISTS "match_score" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "score" REAL NOT NULL,
    "rank" INT NOT NULL,
    "terms" JSON NOT NULL,
    "duplicate_score" REAL,
    "model_version" VARCHAR(64) NOT NULL,
    "computed_at" TIMESTAMP NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "duplicate_of_id" INT REFERENCES "proposal" ("id") ON DELETE SET NULL,
    "proposal_id" INT NOT NULL REFERENCES "proposal" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_match_score_challen_991d94" UNIQUE ("challenge_id", "proposal_id")
) /* How well one submitted proposal answers one challenge, and why. */;
CREATE TABLE IF NOT EXISTS "startup_fit" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "score" REAL NOT NULL,
    "rank" INT NOT NULL,
    "terms" JSON NOT NULL,
    "model_version" VARCHAR(64) NOT NULL,
    "computed_at" TIMESTAMP NOT NULL,
    "challenge_id" INT NOT NULL REFERENCES "challenge" ("id") ON DELETE CASCADE,
    "organisation_id" INT NOT NULL REFERENCES "organisation" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_startup_fit_organis_7d9f34" UNIQUE ("organisation_id", "challenge_id")
) /* How well one open challenge fits one start-up (its proposals and profile), and why. */;
CREATE TABLE IF NOT EXISTS "audit_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "actor_email" VARCHAR(254) NOT NULL,
    "action" VARCHAR(60) NOT NULL,
    "subject_type" VARCHAR(40) NOT NULL,
    "subject_id" INT,
    "details" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "actor_id" INT REFERENCES "user_account" ("id") ON DELETE SET NULL,
    "challenge_id" INT REFERENCES "challenge" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_audit_event_action_3fd1cc" ON "audit_event" ("action");
CREATE INDEX IF NOT EXISTS "idx_audit_event_created_a87696" ON "audit_event" ("created_at");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXXlv2zgW/yqE/5kO4BaJm6TdzGIBJ3Gmnk3ibuzs7JGFQst0zIlMaUQpbrA7331J3Q"
    "clS7JsyyqBAo0lPkr6PR7v5n87S32GNPqhb+CJ/oJI5xz8t0PgErE/Uve6oAMNI7zDL1hw"
    "qjmNoYEVK2g2pZYJVYvdmEONInZphqhqYsPCOn9Ipw8uEDSRCRwaMNfZXwsEfhmP7kD/6/"
    "ADuMEvCFBEKSOgXaAT7c1p4bT/gYLxl/773ukZwBRQSzfR7AN/8ExX2ZMxed7iM2yCf7cR"
    "+9hnxBqb7En//g+7jMkMfUPU/2m8KHOMtFkMUTzjHTjXFevNcK4NiXXtNOSvP1VUXbOXJG"
    "xsvFkLnQStMbH41WdEkAktxLu3TJsDTGxN85jhY+6+adjEfcUIzQzNoa1xNnFq9wXCax1F"
    "uRtNlPFgoiidFAt9igji3iWVocnYz16VOl//zF/hfe/45NPJ549nJ59ZE+c1gyuf/nAfHQ"
    "LjEjrw3E06fzj3oQXdFg7GIagOt5QFpIs0uJcLaIrRjVMlUGavn0TZx7S5MC/hN0VD5Nla"
    "sJ9nJzmY/r1/f/mlf//u7ORH/kCdTVV3Et95d3rOLQ57CLNqIg6FAq00zFfsjoWXSAx1nD"
    "IB9cwj/eD/UQV4/0KIfLjs7AD6HKgnw9vBeNK//cq7X1L6u+bg1Z8M+J2ec/UtcfXdWYIt"
    "QSfg1+HkC+A/wb9GdwMHTp1az6bzxLDd5F8d/k7QtnSF6CsFzqKY+Jf9SzE2o28GZt1VYH"
    "OcUrK50WzWILUUm1aaz0naGljtLZSS0/VzmjHKVEoJHhGK9dLHAczbOgQQLtLNX4TyB4cr"
    "je41kxfxM/krenNAHrI3gkRFAlA9MfvB6+bAwP3DHz3+1XA2m3AVyMDRQcW+nX0xslwJrT"
    "++7F8NOg7CU6i+rKA5U2JQ8zt6T09cCdqmby17y+QVSOCzAw7/Cv7OHuoj8xkSTKH32Snl"
    "J3a/m6cA6cmW63SgbIilhtEsDcP5PwVrtm7ht69Hq9j36hnTK47PjgooFqxVpmbh3IurFv"
    "x/5QW9lcXYp2md9rYVlF/Yl4kRHhB7mdqlYmj7tE0e0Z2vDxc3w0vlYnT1z3Ng2FMNq8pU"
    "n709EiZD3U8evp4D9nmmZRtJU1ERnvSKsKSXzZFeiiEmevb2iqKDPqTYHSM6nZ0M+c9F4P"
    "2cDe/nFLwrNKXYKrVwR0haB/DHoyIIs1aZEDv34hhH3yyF8wR9yxA8EmQtwDpPYxz8YxJT"
    "Fn1E3932//FjTGG8Gd397DePcODyZnQhrXGFhz37wNmIaG/eFn4gyrwnbaR0+ZTmma0oxX"
    "VSmh4ZFx7Z9V/vkQYzpl85fbSZlpuUOhqfPAuo8XURbQjRpd/PAc6SQkAZps5GMNQ2xOmr"
    "101bYZpja0OExq5ceo0P0b6WidE2DTdj123bEdhs/FvdPHONY4+ikZYFXNYUPxM0e48JmJ"
    "r6inXwAUwWCKi6/oIRWOjsvQEEJiQzfek6kX9yncpsfBRzWG/hCdKY1CxjknRXS3d1I9br"
    "pgvExf2YFLG5UdGPGaGVrG40qw8rMmGXa2mbuIwN3pp1KJCos7fHOFUL7Enx7fHktMD2eH"
    "KauT3yW/Ht0RF/mWRNBJMpG+Y4Vetg3oqJVMZfyPgLGX+RqcYzHg3JNcSabaKOSJmPNejm"
    "qfRceVYwUeaRxmu1+hFBgBOgmaN8M9W7y9Rtm7ABAAxkAqg6vwBTud3f7jYD9Ff+A1ANzx"
    "h7wIqxX1+lVfr6u5f6fLP0ebRk7C2ziQYE29o/96fG906L6PGsVbaX/DSlyTdZItwf1PWL"
    "hIdlMZH6VXH9qoQLcZt7vSNhCbZ4X/JaY6z3tspC27qMrZTb58EZwbeye8rY1TCqslAI33"
    "FODN9xOojPgJSudLY0lvXopAhbiHivkEGll2NQ6aUNKqauZYzo9XGsPm2Tse5cjh7uLoc3"
    "yuj6eng5uD93FEYVa4o+n2MVmUE8q3I7uL3gDbywVmWJllN+/37w9+HgV37HRK8Yrfi1/t"
    "Xt8O6cKZhLTJJq6n7iXzFle7qFXwXcvNAZoyDJ2FqjdAlOThnhtljp7wy7lTAvRqObmHB5"
    "MUzGBz7wUfDu2IGeNcKuZcffew9VwpdBg+tF/qygwbSL1LONVfWSxshlwmfTNLwov6OJaO"
    "UcDwLKSg6IhjF3y/6HZOLfhn6IZMbhYWFd1B0hGGoxt8Q9mwb3w8tJnl8iZEFQfGbDMMxo"
    "qZsD28AKBar6tW42QykSX9lGkMLocMUTezaDq0yU+IHM5jheGjQxU0wcGDaNqI/21VK8gq"
    "D6eoZXieD6Q0SL3Z1rWLXY4/lAq2WQeV1ehT22dS0zIEEaE9xfseUix63oyNh80PF+h0G3"
    "LR17afSoMGBKIidGzjVHUa681DLgbp3+vgfIFtjYNOeqFGAHubhRVTc3TeEb8z5aC9BCNy"
    "0NU0thy5aJUS0zcex3OmB9vrV0MkJ7hhlqr4hsmtnX5z0NXtEhGk72ktgXqkuCUIGYLpUd"
    "L6DGmtUaLPDvlL3HwhZ76n9kFME+k+ocHqRwzcmn8wma7Alskp+b2sslNEuVaIqQtBDlrS"
    "QLGKbOvn2ZRjm7lkqEpBUo77qSim5bqr4UyZHZmEdpJOgVQKfIfMUqUqCJoHhJWR/Lkeyj"
    "wTG+ncl9/278dXQ/4d1BQg0mQ/OQjIcbRjO6HPZvlMv+/YCHZ7D+FKqrGGqKyj7tkfzaH0"
    "/YnRWkFvv1ZfQwHt79fA4Wuk0ZS1kvw3vlbw/9m+Hkn4wem8rvNtSw9cbaDvo3ky+sKYKa"
    "tXgkvzyMJ8NL1tdvNrUYdI/kavjzcMIePmRMYv2O7s7BDD9jC3Kzh6rZ3M7/SAZ3g/ufWe"
    "ccymdnPS+/WBZaK3OWyuRKqelqhscte0OK0rRi2u5g35/aMyb8Ks9TQ6AH4edMyTVO16Y8"
    "tj/1eh8/fuodfTz7fHry6dPp56NAmk3fyhNrL9jku0sslumgHd1ApErSc5SuhQE7bYrYUD"
    "WdVkpsjxHKvIsm89ipR0oXlaLvkrQy/qrJnA6sruyDKzBbQC753WR+z5CKZ5XmdZxScrnJ"
    "XF5hazEz4apKCG2SVnK6yZz2jDtVzRIR8ko65m442+n/2r+/GlydA8hdNmj2SHjr4CrRLc"
    "W7U0Xfrz9ZhK+V3BqhmAjSstWmU6QtKF2za5MdE0HJTHGiFASWgLx8nQTlDjN2gisyZad9"
    "FoAWp+zYxqwi1+OUkutN4bpA8kiHunozdvpWLm0nRSeTdgRm1L1nRTVuJrU5LappYNefFy"
    "VeOWpAul0HPyQBTi2WMXjZW4C7h5ubYmln+8x8OZQBnhinTNA1scDlXwoqt5f2woQ0/Iyn"
    "mDvxFfbWtIbhNQi7/JvXY1vRk4eWVEtu2RCu0nktB4yal6VRA2Itz9DwfVmbIVU65eAgwV"
    "pCS10odSS13PKeWp3ZIk9ckjksTc5hiQnzojyWpLSfk8uSalrgpCr39NsucIyB3JmDgJP6"
    "BaZvwFogoK8ILyvNT8cFcM6kaedqkDYDePCY+ISqGnuWpTgblkSDvgk26my/mt++FaG0u3"
    "anScdOJVY026Sf9uSwm0x4LWdwjtFIW77AKervJiX9JAkyacVfb8WPZdJuaFhu43G53aR5"
    "OTHGxGetpFcIabdfA2xsUSxts9+qsB+Yo0WCftRWnSPkx5qtF/AJQK9Qsx2dAATEPwEYSt"
    "o/ULBiA2hhUUBtflgsOD46Ekj0G3UlTJCPrRkOHjI5fp9yvSwBH6bIFUraPs5J2j5OJ21H"
    "3ywFc15YYoxMhiSW1qHcRanEihESSNlPIFcz5QeLR3EmolGS3WF6dCCASkVFKioNlaeLKS"
    "pFomBkGbYdexdEsRwC1SMj5CNbCRGFnRR1OLwh+l433xMd+JRMgyB0hTh84Onphejqi25b"
    "invx6QmYtoYo0zL8cA3A7oocDjX2LB0OzVJMooOsqHISpWmhgrKVqlKJKSJYqvPSdwTUO0"
    "zh2Y+focYMHilUS6G60Su0FKobKFS7a219Qb/9YO1uCfS7krA94PLl6xDdYtJ1uJPWXZzW"
    "iEQtB6KSNL/vU8qtJHRJWauSrOWN/nKSQYJKCgYCZP21pByyCSqJ7HqRK7qAbyhxtTCDJS"
    "lwJabu+miLbJNDaXjbnVKVRDoxlctKttuU1oJxLhDSonMgWzaLTrq6JbKYDhVLipZimTwy"
    "oCFmx90eGZAdE9G2IwN2HRHBljhTh+qiDOZRGgl6BdDx0uD7RQnIQwoJeAXALQRLHZHht5"
    "dgV0lU0WmF8u9RqhalMOy49jtP4NEwEYgpOYM9QiMHfJWzSezpElvVcrOStLLSa5OTs2RN"
    "3++F014p2wp8jlNKLjeZyzKnNlt+OcyymbJY6vfIdcFkT5eSk1FA24uwkoVoZSHaw0JYBr"
    "HtJohNXH9W1vqtArSs9XtAtX7T4XsyOLNg0V+dzDWsWuzxvJZZLcWSvS6vwh7bip7Mrita"
    "Y1RBhHW3MVbfRa3RmW1ovKRgxj6ytWKjB7KRxLCSdVn3F4gvWuhFVXbE+0FOvR3BnuRQFE"
    "h1dYs//0BBhBY4/xAIFiM0C9JP2UfpwH9gF+im05L7DwAE7pFkorzXbT1mbdqA+2AZnbbX"
    "6LQFpIrPTMGik5c6kCSVCQTFEwjKHy4ozxTcwNXuLm1Vz86NkrbQeH+4xvq0j8bdU8qZO2"
    "M00tAp051kUk4jFqT6k3KWwSEouzFnHiqwsRUxw1S8pxScxOk/okyc9AFBOQk5icOJCupm"
    "BIQkvEzpbzomvBAQ7+0ngC3KdaL3XB4AGiYvQIUmtxixJpb+gghYLXSKABOgFwBT8IIMUU"
    "WiLT1kffIQWkKsSb1sr3qZy4MUrtlZQwFBK2JxE6e8n54UyBpirbLPeef3EjHPfJIofHqU"
    "gTlOVQ/W+x3IMaTPigB9lo3zWQpmGSu3bjtuheKFvhmYdVeBzXFKyeZGsxmqKpMjqgU4x0"
    "llhPNB8LlsaF6aUMbmydJyu8TWUZoqjNwUnRy4MuRxlyGPQpNVOCp3Z7Zq2BguCm5qAmdE"
    "4WXscxLfdScjpbb2Rh2PFD3mOsssGJ6Cvc4kGJqKt1qnx6YyAmLPljZpoFi3MrRDo+GHB5"
    "dXZ+JUUiSUuswuseXbQzlYIxQSUanA7F+Bsan0uK/HNTJtC6Rm+buSVFnWqSzx7btR+oob"
    "ny/QVILA/WwdhQZN1sYqjAgKQ7wdOvDu6P3x0Y8AkhlQ9eUSEcuP9w6OZQX63Lngh9ikwx"
    "Nq6veRPJI+mJlwbgGbWFgDT0/R4kZPTzx4gSKLHxTrPg+49ylgS5HfM+Qdw0cSHMXk61xd"
    "wHpmNKsFVheAXXHflRGzF55j4n1a0WD1bvQIXam37VNvC+ZAHNfxkg2LTHADojYJRx97n8"
    "4CdPmPPGDHt/2bG4EU707YNJ7ZEekREhmSXjokXVaTqcSKQzM7yCJ/3wunA7mgbC2bOFmb"
    "Nqba7CAyrWMbqMq0DpnW0UClXaZ17DGtQ7ij1WEcjfbVUnyTW3mTzq5JlBsRmZ1SBUly7E"
    "+xWihvW3eTBwuoNLlIV3mT14hWaDLSVS5d5QeHrVRmpMu8mVJhaZe5VBfL4FtaXZTe84LI"
    "Ntl7PuTQjS1oCV3okbvdPD3GYYBCg4ZrvemTBQKvyKSeKxsCuuDFgYDTURdQHSB2+w2wR7"
    "Jr7vABL0zQomC1QE4av4mmNtZmTgK/qhtvadf6th4i0LOKqlPO/6n5kp0m7bdvXYL0SZHz"
    "K0+yj6888U6vzFayPM6XEGIiFLsTYI4aLL1IP2uZfeBgddaUkLqfrciptvqLPhVtRMG93G"
    "3Irfz6m9esQGlQEznHZLsrvaovDdvyA5sYlVeSMxA8f6BBvBUNCnaybcO03tsGuzlnu4So"
    "MugWnsLDvZ6eXtiAdwO7HkPx+LHDiR47DoltPHZ+Ak9P7G+2WTEBhDXnwVtBa+cBkbr2rG"
    "cekWYgMmPvDxiW7G8TuPTnfA9lX0BmwTetFlhDziuyt/CpMC+eQ/T3upEdFMbf3WWe92bS"
    "JrlXm6TPj6KSid++jWVyisgmOUdrp0/WDgd58YEbo5EGFWHxV2cNqiSUJGmlWNI4sSQW/s"
    "U3s2rBXzFKGfrVZC5Dy0JLwxJU7c/2lkRIpNKWXCE1yF3LpqkLojqyA5LjVDImuVBMcpOU"
    "qMyUmPiBFusUqRLZMV/0FVghTXOVFT/eNlBkgHcCU1zT6TopLquFwHRXQ38yGqJRi1LpBJ"
    "RrTYcls0/mnKRdktrV6OHiZgC+3g8uh+Ph6C6+aTs3+aXwjIT7Qf8mKSdD8lJi3PrNpc4h"
    "2FEtZC4F8skv49FdhhrnEyRFT6xa4H+AB39tbT/989wmqlP2mHsxLEzoB/68v+xhn+UA5e"
    "+zyS01IV/yDlLHUfinYinl1xABbcXV5HAUgjoWE0daUDKdK9kGoxRhCy1HWyj765qLK8UK"
    "xkmlhaPRuq+Madveph2u9fq8HLwCShmQKYMGZdBgM1Z+GTS4Z3xLBw1GF9TdQtywJbgowo"
    "IdqFEBhGM3zOAaWx1RMlR4t5ubCOW2Yw+1KhgcdQORSEjD3DvTJ4iaAO/4lSCqwjETsl9z"
    "rKEfixoh63uG0DAZjcHgjcKFXhonpXGyAQuVNE42dfBK4+Sm43grxklpKJOGsqaALw1l0l"
    "BWZAOJSqHl4BVQSoTX23OSYv+G6vAo0d2BgV1UJxYMtvWWB2k624bpbD9Gh749w9bgFRGh"
    "0SFyt5tndIC8nYKChrVWXpFa+x61dsZF3VRKn/2bIGtB5OMOzv+FqnjzyoV5y5rNHg/+LZ"
    "I7cpadO3KWyh2h9vQ3pFouSCVQTtK1UIusK4k4DXapVTlOJP3DAgc8stiaWso0FSFphnGK"
    "P7Y1xqnDqkC2y+W8TaYSV54pee5wSCJXsmaVHmshtDmmEWck1qCrt7y2UGS+FjindV9GkA"
    "NFt9E2EGRiddER2T/cO91c20fYRpo9DmnF7OaYPSo4G9vtZuydnhYyeJzmGDxOUwYPNqlK"
    "IOw1byG6x0dF9G/WKhNd517Sj0ss4QFK2apihGT3quJ+VJHalMK9pi3/8X9/wlPR"
)
