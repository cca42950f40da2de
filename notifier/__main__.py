from notifier.app import SERVICE, create_app
from notifier.settings import Settings
from servicekit.main import serve

if __name__ == "__main__":
    serve(SERVICE, Settings, create_app)
