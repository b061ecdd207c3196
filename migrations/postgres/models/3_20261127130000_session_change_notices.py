from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# Every instance keeps the sessions it has read (urbanchallenge.accounts.kept_sessions) and
# listens on uc_session_changed; these triggers tell it of every change that can end or alter
# a signed-in session, whoever makes it. Refreshing a session's last-seen time does not.


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE OR REPLACE FUNCTION uc_notify_session_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                PERFORM pg_notify('uc_session_changed', '*');
            ELSIF TG_TABLE_NAME = 'user_session' THEN
                PERFORM pg_notify('uc_session_changed', 's' || OLD.token_hash);
            ELSE
                PERFORM pg_notify('uc_session_changed', 'u' || OLD.id);
            END IF;
            RETURN NULL;
        END;
        $$;
        CREATE TRIGGER uc_session_changed AFTER DELETE OR UPDATE OF token_hash, user_id, expires_at
            ON "user_session" FOR EACH ROW EXECUTE FUNCTION uc_notify_session_changed();
        CREATE TRIGGER uc_session_truncated AFTER TRUNCATE
            ON "user_session" FOR EACH STATEMENT EXECUTE FUNCTION uc_notify_session_changed();
        CREATE TRIGGER uc_user_changed AFTER DELETE OR UPDATE
            ON "user_account" FOR EACH ROW EXECUTE FUNCTION uc_notify_session_changed();
        CREATE TRIGGER uc_user_truncated AFTER TRUNCATE
            ON "user_account" FOR EACH STATEMENT EXECUTE FUNCTION uc_notify_session_changed();"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS uc_user_truncated ON "user_account";
        DROP TRIGGER IF EXISTS uc_user_changed ON "user_account";
        DROP TRIGGER IF EXISTS uc_session_truncated ON "user_session";
        DROP TRIGGER IF EXISTS uc_session_changed ON "user_session";
        DROP FUNCTION IF EXISTS uc_notify_session_changed();"""


MODELS_STATE = (
    "eJztXXlz2ziW/yoo/dNJlZ2yFdvJOltbJdtyRz22lbbk6ekZT1EQBVloUwCbhxXtbH/3BX"
    "gfIEVSF8WgKlWxSDyQ/D0c78Z/WnM6QZr5oaPjIX1FpHUJ/tMicI7YH6l7R6AFdT28wy9Y"
    "cKw5jaGOFStoNjYtA6oWuzGFmonYpQkyVQPrFqb8Ia0OuELQQAZwaMCUsr9mCPwy6D+Azr"
    "feB3CHXxEwkWkyAvMIUKItnRZO+59MMPjaOW6fXwBsAtOiBpp84A+eUJU9GZOXLT7DJvhP"
    "G7GPfUGsscGe9K9/s8uYTNB3ZPo/9VdlipE2iSGKJ7wD57piLXXnWo9Yt05D/vpjRaWaPS"
    "dhY31pzSgJWmNi8asviCADWoh3bxk2B5jYmuYxw8fcfdOwifuKEZoJmkJb42zi1O4LhNda"
    "ivLQHyqD7lBRWikW+hQRxL1LKkOTsZ+9qul8/Qt/heP26dmns88fL84+sybOawZXPv3lPj"
    "oExiV04HkYtv5y7kMLui0cjENQHW4pM2jO0uBez6AhRjdOlUCZvX4SZR/T+sI8h98VDZEX"
    "a8Z+XpzlYPr3zuP1187ju4uz9/yBlE1VdxI/eHfazi0OewizaiAOhQKtNMw37I6F50gMdZ"
    "wyAfXEI/3g/1EFeP9CiHy47OwA+hyoh7377mDYuf/Gu5+b5p+ag1dn2OV32s7VZeLqu4sE"
    "W4JOwG+94VfAf4J/9h+6DpzUtF4M54lhu+E/W/ydoG1RhdCFAidRTPzL/qUYm9F3HbPuKr"
    "A5TinZXGs2a9C0FNusNJ+TtBtgtbdQSk5vntOMUYZSSvCIUKyWPg5g3m5CAOEi3fRVKH9w"
    "uNLo3jJ5Eb+Qv6GlA3KPvREkKhKA6onZT143BwbuX/7o8a+Gs9mAi0AGjg4q9u3si5HlSm"
    "idwXXnpttyEB5D9XUBjYkSg5rfoW2auBK0Td+at+fJK5DAFwcc/hX8nT3U+8YLJNiE3men"
    "lJ/Y/aM8BYgmW67SgbIhlhpGvTQM5/8UrNm6hd9+M1rFvlfPmF5xenFSQLFgrTI1C+deXL"
    "Xg/yuvaFkWY5+mcdrbVlB+ZV8mRrhL7Hlql4qh7dPWeUS3vj1d3fWulav+ze+XQLfHGlaV"
    "MZ0snwmToR6HT98uAfs8w7L1pKmoCE/aRVjSzuZIO8UQA714e0XRQR9S7I4RrdZOhvznIv"
    "B+zob3cwreBRqb2Cq1cEdIGgfwx5MiCLNWmRA79+IYR98shfMQfc8QPBJkDcA6T2Ps/mMY"
    "UxZ9RN/dd/7xPqYw3vUffvabRzhwfde/SgAPFxBb7IWUN2TgKVahmAVXlGoIEjEXMvtI8G"
    "PMOtkWQ4Iru+XJVb9/F+PJVS8J+tP9VZftsQ6DWCPsqiu+sCjtokUWIPaBkz7Rlp4wdSBm"
    "FU/uS1lVUjaAbJU1bh0wBRPTI7v92yPSsiZeOctAPW1oKcNAfPLMoMZ3KLQmRNd+Pwc4Sw"
    "oBpRuUjWCorYnTN6+bpsI0xdaaCA1cDeEWH6KlMxOjbZrQBq4DvSWwnvm3jvIMZ45l0Iy0"
    "LBA8YOIXgibHmICxQResgw9gOENApfQVIzCj7L0BBAYkEzp33flfXPc+Gx/FQge28ARp1q"
    "uXWU8GDsjAgVqs13UXiIt7lE3E5kZFj3KEVrK61qw+rBiRXa6lTeIy1nlr1qFAos7eHuNU"
    "DbDsxbfHs/MC2+PZeeb2yG/Ft0dH/GWSNRFMpmyY41SNg3krxmoZCSMjYWQkTKYaz3jUI7"
    "cQa7aBWiJlPtbgKE+l58qzgokyjTReqdX3CQKcAE0c5Zup3kdM3bYJGwBARwaAqvMLMJXb"
    "/e1uM4C+8R/A1PCEsQcsGPvpIq3Sb757qc/XS59Hc8beMptoQLCt/XN/anz7vIgez1plxy"
    "ucpzT5OkuE+4N68yLhYVlMpH5VXL8q4ULc5l7vSFiCLd6XvFYY672tstC2LqNc5fZ5cEbw"
    "reyeMoo4jG8tFEx5mhNNeZoOp9ShaS4oWxrLenRShA1EvF3IoNLOMai00wYVg2oZI3p1RL"
    "FPW2esW9f9p4fr3p3Sv73tXXcfLx2FUcWaQqdTrCIjiCxW7rs8XCwIMFbmaD7m9x+7f+91"
    "f+N3DPSG0YJf69zc9x4umYI5xySppu4nEhmbbE+38JuAm7kRhDG6HUYN+juDDBpsnqOsYU"
    "GDaRepZxur6iWNkcvU27ppeFF+R1MCyzkeBJSVHBA1Y+6W/Q/JFMw1/RDJ3M/DwrqoO0Iw"
    "1GJuiUc2DR5718M8v0QkL8EvA7RmGGa06NCBbWCFAlX9qkProRSJr2wiSGF0uOKJPevBVS"
    "ZK/EBmcxwvDYaJPOtG1Ef7aiheQVD9ZoZXieD6Q0SL3Z1qWLXY4/lA28gg87q8CXts6lqm"
    "Q4I0Jri/YctFjlvRkb7+oOP99oJuGzr20uiZwoApiZwYOdccZXLlZSMD7t7p70eAbIb1dX"
    "OuSgF2kIubqVJj3RS+Ae+jsQDNqGFp2LQUtmwZGG1kJg78Trusz2VDJyO0J5ih9obIupl9"
    "Hd5T9w0douFkL4l9obokCBWI6VLZ8QJqrNlGgwX+lbL3WNhiT/23jCLYZ1Kdw4MUrjn5dD"
    "5BnT2BdfJzm/Z8Do1SxbIiJA1EeSvJArpB2bfP0yhnV7WJkDQC5V3XtKG2pdK5SI7MxjxK"
    "I0GvALqJjDesIgUaCIqXlNWxHMk+ahzj2xo+dh4G3/qPQ94dJKbOZGgekvF0x2j6173OnX"
    "Ldeezy8AzWn2JSFUNNUdmnPZPfOoMhu7OApsV+fe0/DXoPP1+CGbVNxlLWS+9R+fWpc9cb"
    "/s7osaH8aUMNW0vWttu5G35lTRHUrNkz+eVpMOxds77+sE2LQfdMbno/94bs4T3GJNZv/+"
    "ESTPALtiA3e6iaze38z6T70H38mXXOoXxx1vPyi2WhtTJnqUyulBrNqj6VvSFFaRoxbXew"
    "74/tCRN+lZexLtCD8Eum5Bqna1Ie23+12x8/fmqffLz4fH726dP555NAmk3fyhNrr9jke0"
    "gslumgHaojUiXpOUrXwICdJkVsqBo1KyW2xwhl3kWdeexUhjVnlaLvkrQy/qrOnA6srrzI"
    "ZXlmC8glv+vM7wlS8aTSvI5TSi7XmcsLbM0mBlxUCaFN0kpO15nTnnGnqlkiQl5Jx9wNZ1"
    "ud3zqPN92bSwC5ywZNnglvHVwl1FK8O1X0/c0ni/C1klsjFANBs2zd7xRpA0rX7Npkx0RQ"
    "MlGcKAWBJSAvXydBKet8y5QdmbKTf3qaPqnI9Til5HpduC6QPNKhrt6MHS/Lpe2k6GTSjs"
    "CMuvesqNrNpCanRdUN7M3nRYlXjg0g3ayDH5IApxbLGLzsLcDD091dsbSzfWa+HMoAT4xT"
    "JugaWODyLwWV20tzYUIafsFjzJ34CntrcwPDqxt2+avXY1PRk4eWVEtuWROu0nktB4yal6"
    "WxAcQanqHh+7LWQ6p0ysFBgjWHljpTNpHUcs97anRmizxxSeaw1DmHJSbMi/JYktJ+Ti5L"
    "qmmBk6rcc4iPgGMM5M4cBJzULzBeAmuGAF0QXlaan1MM4JRJ087VIG0G8OAx8QlVG+xZlu"
    "KsWRIN+i7YqLP9an77RoTS7tqdJh07lVhRb5N+2pPDbjLhtZzBOUYjbfkCp6i/m5T0kyTI"
    "pBV/tRU/lkm7pmG5icflHiXNy4kxJj5rJb1CSLv9CmBji2Jpm/1Whf3AHC0S9KO26hwhP9"
    "ZstYBPAHqDmu3oBCAg/gJgKGn/ZIIFG0AzywSmzQ+LBacnJwKJfq2uhAnysTXDwUMmx+9T"
    "rpcl4MMUuUJJ26c5Sdun6aTt6JulYM4LS4yRyZDE0jqUuyiVWDFCAin7CeRqpvxg8SjORD"
    "RKsjtMTw4EUKmoSEWlpvJ0MUWlSBSMLMO2Y++CKJZDoHpkhHxkKyGisJOiDoclMo+pcUwo"
    "8CmZBkHMBeLwgdHolVD1ldqW4l4cjYBha8hkWoYfrgHYXZHDYYM9S4dDvRST6CArqpxEaR"
    "qooGylqlRiigiW6rz0HQH1DlN49uNn2GAGjxSqpVBd6xVaCtU1FKrdtXZzQb+dYO1uCPS7"
    "krA94PLl6xDdYtJ1uJNuujitHolaDkQlaX7fp5RbSeiSslYlWcsb/eUkgwSVFAwEyPprST"
    "lkE1QS2dUiV3QBX1PiamAGS1LgSkzd1dEW2SaH0vA2O6UqiXRiKpeVbLcprQXjXCCkRedA"
    "tmwWnXSblshiOlQsKVqKZfLIgJqYHXd7ZEB2TETTjgzYdUQEW+IMCtVZGcyjNBL0CqDjuc"
    "73ixKQhxQS8AqAWwiWOiLDby/BrpKoQs0K5d+jVA1KYdhx7XeewKNhIhBTcgZ7hEYO+Cpn"
    "k9jjObaq5WYlaWWl1zonZ8mavj8Kp71SthX4HKeUXK4zl2VObbb8cphlM2Wx1B+R64LJni"
    "4lJ6OAthdhJQvRykK0h4WwDGLbTRCbuP6srPVbBWhZ6/eAav2mw/dkcGbBor+UTDWsWuzx"
    "vJbZRoole13ehD02FT2ZXVe0xqiCCOtubax+iFqjE1vXeEnBjH1ka8VGD2QjiWEl67LuLx"
    "BftNCLquyI94OcejuCPcmhKJDq6hZ//skEEVrg/EMgWIzQJEg/ZR9Fgf/AI0ANpyX3HwAI"
    "3CPJRHmv23rMyrQB98EyOm2v0WkzaCo+MwWLTl7qQJJUJhAUTyAof7igPFNwDVe7u7RVPT"
    "s3StpA4/3hGuvTPhp3Tyln7ozRSEOnTHeSSTm1WJA2n5QzDw5B2Y0581CBja2IGabiPaXg"
    "JE7/EWXipA8IyknISRxOVFA3IyAk4WVK/6CY8EJAvLcvAFsm14mOuTwANExegQoNbjFiTS"
    "z6ighYzKiJABOgZwCb4BXpoopEW3rI6uQhNIdYk3rZXvUylwcpXLOzhgKCRsTiJk55Pz8r"
    "kDXEWmWf887vJWKe+SRR+PQoA3OcajNY73cgx5C+KAL0RTbOFymYZazcqu24EYoX+q5j1l"
    "0FNscpJZtrzWaoqkyOqBbgHCeVEc4HweeyoXlpQhmbJ0vL7RJbR2mqMHJTdHLgypDHXYY8"
    "Ck1W4ajcndmqZmO4KLipCZwRhZexz0l8V52MlNraa3U8UvSY6yyzYHgK9iqTYGgq3mqdHt"
    "uUERB7trRJA8WqlaEZGg0/PLi8OhOnkiKh1GV2iS3fHsrBGqGQiEoFZv8KjG1Kj/tqXCPT"
    "tkBqlr8rSZVllcoS375rpa+48fkCTSUI3M/WUcygycpYhT5BYYi3QwfenRyfnrwHkEyASu"
    "dzRCw/3js4lhXQqXPBD7FJhydsqN9n8kw6YGLAqQVsYmENjEbR4kajEQ9eMJHFD4p1nwfc"
    "+yZgS5HfM+Qdw2cSHMXk61xHgPXMaBYzrM4Au+K+KyNmLzzFxPu0osHqR9EjdKXetk+9LZ"
    "gDcVwHczYsMsENiJokHH1sf7oI0OU/8oAd3Hfu7gRSvDth03hmR6RHSGRIeumQdFlNphIr"
    "Ds3sIIv8/SicDuSCsrVs4mRN2pg2ZgeRaR3bQFWmdci0jhoq7TKtY49pHcIdbRPG0WhfDc"
    "U3uZXX6eyaRLkRkdkpVZAkx/4Uq4Wy3LqbPFhApclFusrrvEY0QpORrnLpKj84bKUyI13m"
    "9ZQKS7vMpbpYBt/S6qL0nhdEts7e8x6HbmBBS+hCj9w9ytNjHAYoZtCwQFW2qWORB06xPu"
    "6LnvHiQGC8BOgNGUvAngWwN26OHFc491SzWyYWl19bqz/uPeeOeL8FgBZP/+clAQw0tjFD"
    "krUH72z2nQa7882VFAe/3gE4ecMmZU/QqPrqOu3H9lw3n8lo5HU/Gn3x3iLoX6VzHXL3Of"
    "eke83c2m/8gkr1JX/ejDoPJtxhzx7xTHjvGoUTl46gBRiNuJYxGoF3/Ir39TySAE4R+ED0"
    "/wVTarDL78FihgjvlK2jbBGdZLnriyqGzv+pmZ+d8O23b1yq91mRkzjPsg/iPPPO4cxWF7"
    "3xUUIci1DsThQ7qbEcJj3GZXa0RmjfzjalZM6d7JUqRVhpyaqZrLLt8hR88UqDfIUJNJZi"
    "mH2KZLnLpeWW7T0sfHPwvOJBK9FJw2C86j10Hn8Xx7347aMT4ur3Ybcj0if3IzU6hZF/oW"
    "ORzBjcy5UY3SLNf3jNCsiLBnJOtOcFnAzExSfb8mMQL7mM48ZH+joik4B8fcYMausy2cuw"
    "jm2d3WTSoimSIrfwFC5bjkavbFy6MZjPoSb73OJEzy2HxNafW1+YPMf+ZtIY0xVYc0cY9F"
    "s7D4gcQfHBlVl1RCbs/QHDkv1tAJf+kkmpJvsCJjD637SYYQ05r8jewqfCvM4VocdUz47f"
    "5O/uMs97M+k+2Kv7wOdH0Q3Nb9/EilZFhO92tvDdPkmVswoGefGBG6ORtk9hnWZnDaokdS"
    "dppdxda7nb2cyqxWnGKGWUZp25DC0LzXVLcMBGtmMzQiKtEskVUoM8CsQwqCAAKzt3IE4l"
    "0wcKpQ/USYnKzF6Lnz2zSpEqkcj2lS7AAmmaq6z4ofGBIgO8w9Limo5rMl/MlmmlaQP9yc"
    "ClWi1KpXPFbjUKSyaKTTlJsyS1m/7T1V0XfHvsXvcGvf5DfNN2bvJL4XEmj93OXVJOhuS1"
    "xLj1m0udQ7CjWsiYC+STXwb9hww1zidIip5YtcD/AR6nubX99L+nNlGdCuXc3WhhYn7gz/"
    "ufPeyzHKD8fTa5pSbkS95B6uQY/wA7pfwaIqCtuJocjkKwicVkzx6Q2q0v267Q7ZqLK4X1"
    "xkmlhaPWuq8MP93eph2u9XRaDl4BpYydlvG9Mr63Hiu/jO/dM76l43ujC+puIa7ZElwUYc"
    "EOVKtY34EbZnCLrZYobzG8e5Sbs+i2Yw+1KhgcqY5IJKRh6h2/FURNgHf8ShBV4ZgJ2a8p"
    "1tD7okbIzT1DaJiMxmDwRuFCL42T0jhZg4VKGifrOnilcXLdcbwV46Q0lElDWV3Al4YyaS"
    "grsoFEpdBy8AooJcKr7TlJsX9Ndbif6O7AwC6qEwsG22rLgzSdbcN0th+jQ8eeYKv7hojQ"
    "6BC5e5RndIC8nYKChhstkiS19j1q7YyL1FBKH9OdIGtA5OMOjuqGqnjzyoV5y5rNHs/oLp"
    "I7cpGdO3KRyh0x7fEfSLVckEqgnKRroBa5qSz5NNilVuU4kfQPCxzwyGJrainTVISkHsYp"
    "/tjGGKcOq1jgLpfzJplKXHmm5BHhIYlcyepVJbCB0OaYRpyRuAFdveFlwCLztcCRyvsygh"
    "wourW2gSADq7OWyP7h3jnKtX2EbaTZ45BWzKMcs0cFZ2Oz3Yzt8/NCBo/zHIPHecrgwSZV"
    "CYS95g1E9/SkiP7NWmWi69xL+nGJJTzrLFtVjJDsXlXcjyqyMaVwr2nLf/0/gpQHoQ=="
)
